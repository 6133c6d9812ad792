import { AuraError } from '../../core/errors.ts';
import type { ContextId, DeviceId } from '../../core/ids.ts';
import type { FrameChannel } from '../../net/frame-channel.ts';

/** Whether frames may be sent now; when the budget is spent, not before `resumeAt` (ms, our clock). */
export type ChargeResult = { readonly ok: true } | { readonly ok: false; readonly resumeAt: number };

/** Charges `frames` sync frames to the peer in a context (spec 000 §2.2: charge before every send). */
export type Charge = (peer: DeviceId, context: ContextId, frames: number) => ChargeResult;

/** Without budgets (tests, tools), frames cost nothing. */
export const FREE: Charge = () => ({ ok: true });

/** What a `deny` of a topic we do not hold is charged to: it names no context of ours. */
export const NO_CONTEXT: ContextId = '';

/** A frame was refused by the budget: the session ends, to be tried again at `resumeAt`. */
export class BudgetExhausted extends AuraError<'Budget'> {
  override readonly name = 'BudgetExhausted';
  constructor(readonly resumeAt: number) {
    super('Budget', `Budget: sync frames refused until ${resumeAt}`);
  }
}

/**
 * A channel that charges every frame before writing it, so a session holding only this channel cannot send
 * uncharged. A refused charge throws BudgetExhausted and writes nothing. Given an opener instead of a
 * channel, it opens the stream only once the first frame is paid for: a spent budget opens nothing.
 */
export class ChargedChannel implements FrameChannel {
  private inner: FrameChannel | null;
  private readonly opener: (() => Promise<FrameChannel>) | null;
  private closed = false;

  constructor(
    inner: FrameChannel | (() => Promise<FrameChannel>),
    private readonly peer: DeviceId,
    /** Whom frames are charged to; a responder learns it from `open`. */
    public context: ContextId,
    private readonly charge: Charge,
  ) {
    this.inner = typeof inner === 'function' ? null : inner;
    this.opener = typeof inner === 'function' ? inner : null;
  }

  get stats(): FrameChannel['stats'] {
    return this.inner?.stats ?? { bytesIn: 0, bytesOut: 0 };
  }

  async send(frame: Uint8Array): Promise<void> {
    const c = this.charge(this.peer, this.context, 1);
    if (!c.ok) throw new BudgetExhausted(c.resumeAt);
    if (this.inner === null) {
      if (this.closed) throw new Error('channel closed');
      this.inner = await this.opener!();
    }
    await this.inner.send(frame);
  }

  /** Nothing arrives on a stream not yet opened: it reads as closed. */
  receive(): Promise<Uint8Array | null> {
    return this.inner?.receive() ?? Promise.resolve(null);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner?.close();
  }
}
