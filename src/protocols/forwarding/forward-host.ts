import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import type { ContextId, DeviceId, Epoch } from '../../core/ids.ts';
import type { ContextMembers } from '../../core/reduce/membership.ts';
import type { ForwardLinks } from '../../net/forward-links.ts';
import type { SignatureVerifier } from '../../core/facts/validate.ts';

/** A hop's budget right after its charge: the figures its receipt signs. */
export type HopCharge = { readonly ok: true; readonly epoch: Epoch; readonly spent: number; readonly limit: number } | { readonly ok: false; readonly resumeAt: number };

/** What forwarding needs from the node; everything it judges a peer by is local evidence. */
export interface ForwardHost {
  readonly key: DeviceKey;
  readonly links: ForwardLinks;
  /** This device holds the context (it forwards and accepts only within its own contexts). */
  holds(ctx: ContextId): boolean;
  members(ctx: ContextId): ContextMembers;
  /** The current flow epoch. */
  epoch(): Epoch;
  /** Charges this device's FlowBudget for `next`'s authority in `ctx` (charge-before-send). */
  charge(ctx: ContextId, next: DeviceId, cost: number): HopCharge;
  /** A fresh receipt nonce. */
  nonce(): Uint8Array;
  now(): number;
  /** Devices with a direct link now. */
  connected(): readonly DeviceId[];
  /** The member linked to both that forwards to `peer` in `ctx`, if any. */
  via(ctx: ContextId, peer: DeviceId): DeviceId | undefined;
  /** Receipt signatures (the platform's Ed25519 behind the strict rule); absent: pure JS. */
  readonly verify?: SignatureVerifier;
  /** Counts a refusal as the drop `forward:<code>`. */
  drop(code: string): void;
}

/** What happened on forwarded channels, for the node's status and its receipt facts. */
export interface ForwardEvents {
  /** As forwarder: one message of `src` passed on to `dst`. */
  forwarded(ctx: ContextId, src: DeviceId, dst: DeviceId): void;
  /** As destination: a message of `src` accepted via `via`, with its chain. */
  accepted(ctx: ContextId, src: DeviceId, via: DeviceId, chain: readonly Uint8Array[]): void;
  /** A message or stream refused from the direct peer `from`. */
  refused(from: DeviceId, code: string): void;
}
