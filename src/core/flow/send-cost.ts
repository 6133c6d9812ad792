/**
 * The one cost table of charge-before-send (DESIGN §5): what each transport-observable send costs each
 * recipient's FlowBudget. A sealed gossip payload (facts, acks, a join announcement, a witness group's or a rendezvous ceremony's message) and a sync frame each
 * cost one unit per recipient authority.
 */
export const SEND_COST = {
  /** One sealed payload of facts on a context's topic. */
  facts: 1,
  /** One sealed payload of acks. */
  acks: 1,
  /** A join published before any other member is known: charged to the topic itself. */
  announce: 1,
  /** One frame of an anti-entropy session. */
  syncFrame: 1,
  /** One sealed message of a witness group (DKG or consensus) on its topic. */
  groupMessage: 1,
  /** One message of a rendezvous ceremony (offer, package, confirmation) on the code's topics. */
  rendezvous: 1,
  /** A forwarded message, per started `FORWARD_UNIT_BYTES` (core/forwarding/receipt.ts), charged by each hop. */
  forward: 1,
} as const;

export type SendKind = keyof typeof SEND_COST;

/** The recipient charged for sends to a topic whose members we do not know yet (a join announcement). */
export const TOPIC_RECIPIENT = '*';
