import type { ContextId } from '../../src/core/ids.ts';
import type { SendTicket } from '../../src/net/send-ticket.ts';

/** A ticket for `units` payloads, as the node's ChargeLedger issues after a charge: for transport-level tests. */
export function ticketFor(context: ContextId, units = 1_000_000): SendTicket {
  let left = units;
  return { context, take: () => left-- > 0 };
}
