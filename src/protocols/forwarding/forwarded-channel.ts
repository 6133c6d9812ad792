import type { ReceiptLedger } from '../../core/forwarding/chain.ts';
import { ForwardError } from '../../core/forwarding/errors.ts';
import type { ContextId, DeviceId } from '../../core/ids.ts';
import { MAX_FRAME_BYTES, type FrameChannel } from '../../net/frame-channel.ts';
import type { ForwardEvents, ForwardHost } from './forward-host.ts';
import { judge, stamp, type Direction } from './hop.ts';

/**
 * One end of a forwarded session, as the protocol sees it: a FrameChannel to `peer` over a forward stream to
 * `via`. Each frame sent is charged and carries this device's signed receipt; each frame received is handed on
 * only after its chain verified (a refused one ends the channel with its ForwardError, counted).
 */
export class ForwardedChannel implements FrameChannel {
  readonly stats = { bytesIn: 0, bytesOut: 0 };
  private readonly out: Direction;
  private readonly in: Direction;

  constructor(
    private readonly host: ForwardHost,
    private readonly events: ForwardEvents,
    private readonly ledger: ReceiptLedger,
    private readonly leg: FrameChannel,
    readonly context: ContextId,
    readonly peer: DeviceId,
    readonly via: DeviceId,
    /** The per-peer rate limit: throws ForwardError when `via` sends too much. */
    private readonly admit: () => void,
    /** The first frame, already judged by whoever accepted the stream. */
    private first: Uint8Array | null = null,
  ) {
    const self = host.key.deviceId;
    this.out = { ctx: context, src: self, dst: peer };
    this.in = { ctx: context, src: peer, dst: self };
  }

  async send(frame: Uint8Array): Promise<void> {
    if (frame.length > MAX_FRAME_BYTES) throw new ForwardError('TooLarge', `frame of ${frame.length} bytes`);
    const env = stamp(this.host, this.out, this.via, frame, []);
    this.stats.bytesOut += frame.length;
    await this.leg.send(env);
  }

  async receive(): Promise<Uint8Array | null> {
    const held = this.first;
    this.first = null;
    if (held) return this.got(held);
    const raw = await this.leg.receive();
    if (raw === null) return null;
    try {
      this.admit();
      const { env } = await judge(this.host, this.ledger, raw, this.via, this.in);
      this.events.accepted(this.context, this.peer, this.via, env.chain);
      return this.got(env.frame);
    } catch (e) {
      if (e instanceof ForwardError) {
        this.host.drop(`forward:${e.code}`);
        this.events.refused(this.via, e.code);
        await this.leg.close().catch(() => undefined);
      }
      throw e;
    }
  }

  close(): Promise<void> {
    return this.leg.close();
  }

  private got(frame: Uint8Array): Uint8Array {
    this.stats.bytesIn += frame.length;
    return frame;
  }
}
