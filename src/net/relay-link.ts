import type { PeerId } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { backoffDelay } from './backoff.ts';
import type { BrowserNode } from './libp2p-node.ts';
import { pageHidden } from './page-events.ts';
import type { NetStatus } from './transport.ts';

/** A visible tab retries the relay at least this often, so it is back within seconds of the relay's return. */
const VISIBLE_BACKOFF_MAX_MS = 2_000;

export interface RelayLinkOptions {
  /** The relay's websocket multiaddr (its PeerId is learnt on dial). */
  readonly address: string;
  readonly random: (n: number) => Uint8Array;
  /** No dials while this holds (offline by the browser or the lab, or stopped). */
  readonly paused: () => boolean;
  readonly changed: () => void;
  /** Connected (first time or again): known peers may be dialled at once. */
  readonly up: () => void;
}

/**
 * The browser transport's connection to the relay: dialled at start, again with jittered backoff after it is
 * lost (up to 30 s in a hidden tab, 2 s in a visible one), and at once when the tab comes back online or
 * visible or the lab's offline ends — never waiting out an old backoff.
 */
export class RelayLink {
  peer: PeerId | null = null;
  state: NetStatus['relay'] = 'connecting';
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly node: Pick<BrowserNode, 'dial'>,
    private readonly opts: RelayLinkOptions,
  ) {}

  async connect(): Promise<void> {
    if (this.opts.paused()) return;
    this.state = 'connecting';
    this.opts.changed();
    try {
      const conn = await this.node.dial(multiaddr(this.opts.address), { signal: AbortSignal.timeout(5_000) });
      this.peer = conn.remotePeer;
      this.state = 'connected';
      this.attempt = 0;
      this.opts.changed();
      this.opts.up();
    } catch {
      this.lost();
    }
  }

  /** The relay connection is gone (or a dial failed): the next attempt after the backoff. */
  lost(): void {
    this.state = 'disconnected';
    if (this.opts.paused() || this.timer !== null) return;
    const delay = backoffDelay(this.attempt++, () => this.opts.random(1)[0]! / 256, pageHidden() ? undefined : VISIBLE_BACKOFF_MAX_MS);
    this.opts.changed();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  /** Dials now from the first backoff step, unless connected or already dialling. */
  now(): void {
    if (this.opts.paused() || this.state !== 'disconnected') return;
    this.pause();
    this.attempt = 0;
    void this.connect();
  }

  /** No retry is pending any more (offline, stopped); the connection itself is closed by the caller. */
  pause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.state = 'disconnected';
  }
}
