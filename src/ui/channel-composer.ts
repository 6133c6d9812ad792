import type { ChannelId, FactId } from '../core/ids.ts';
import { MAX_MESSAGE_CHARS, type AuraNodeApi } from '../node/api.ts';
import { localKey, readLocal, writeLocal } from './local-store.ts';

interface Queued {
  readonly text: string;
  /** Set just before the node is handed the text: the channel's newest message then (null: none). */
  readonly after?: FactId | null;
}

interface Saved {
  readonly draft: string;
  readonly queue: readonly Queued[];
}

export interface ComposerView {
  readonly draft: string;
  /** The last failed send's error, until dismissed or the next send. */
  readonly error: unknown;
}

const EMPTY: Saved = { draft: '', queue: [] };

/**
 * One channel's composer, kept outside React so sends outlive switching channels. The draft and the messages
 * sent but not yet accepted are saved on every change, so neither is lost to a reload or a crash. Sends go one
 * at a time, in order; an entry leaves the queue only once `sendMessage` resolved, i.e. the fact is durable.
 *
 * On reload, what is still queued is sent again rather than put back in the box: Enter already said "send",
 * and the node never accepted it, so sending cannot duplicate. The one exception is the entry the node was
 * holding when the tab died: it may have been written just before its removal was saved, so it is sent again
 * only if the channel has no own message with its text after the one that was newest when it was handed over.
 */
export class ChannelComposer {
  private readonly key: string;
  private saved: Saved;
  private error: unknown = null;
  private view: ComposerView;
  private running = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly node: AuraNodeApi,
    private readonly channel: ChannelId,
  ) {
    this.key = localKey(node.profile, 'composer', channel);
    this.saved = readLocal(this.key, EMPTY);
    this.view = { draft: this.saved.draft, error: null };
    const head = this.saved.queue[0];
    if (head?.after !== undefined && this.accepted(head)) this.save({ ...this.saved, queue: this.saved.queue.slice(1) });
    // Not during the render that created it: sending notifies the node's subscribers.
    queueMicrotask(() => void this.drain());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): ComposerView => this.view;

  setDraft(draft: string): void {
    this.save({ ...this.saved, draft });
  }

  /** Takes the draft as a message: the box clears at once and the text joins the queue. */
  send(): void {
    const text = this.saved.draft.trim();
    if (text === '' || text.length > MAX_MESSAGE_CHARS) return;
    this.error = null;
    this.save({ draft: '', queue: [...this.saved.queue, { text }] });
    void this.drain();
  }

  clearError(): void {
    this.error = null;
    this.save(this.saved);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let head = this.saved.queue[0]; head !== undefined; head = this.saved.queue[0]) {
        const after = this.node.messages(this.channel, 1).data[0]?.id ?? null;
        this.save({ ...this.saved, queue: [{ text: head.text, after }, ...this.saved.queue.slice(1)] });
        try {
          await this.node.sendMessage(this.channel, head.text);
        } catch (err) {
          // Nothing typed is lost and the order holds: the failed text and all queued behind it go back, before the draft.
          const texts = [...this.saved.queue.map((q) => q.text), this.saved.draft].filter((t) => t !== '');
          this.error = err;
          this.save({ draft: texts.join('\n'), queue: [] });
          return;
        }
        this.save({ ...this.saved, queue: this.saved.queue.slice(1) });
      }
    } finally {
      this.running = false;
    }
  }

  /** Whether the node holds `q`: our write sorts after every message this device had (an unknown `after`: search all). */
  private accepted(q: Queued): boolean {
    const all = this.node.messages(this.channel).data;
    const from = all.findIndex((m) => m.id === q.after) + 1;
    return all.slice(from).some((m) => m.own && m.text === q.text);
  }

  private save(next: Saved): void {
    this.saved = next;
    writeLocal(this.key, next.draft === '' && next.queue.length === 0 ? null : next);
    this.view = { draft: next.draft, error: this.error };
    for (const l of this.listeners) l();
  }
}

const composers = new WeakMap<AuraNodeApi, Map<ChannelId, ChannelComposer>>();

/** The one composer of a channel for this node; creating it resumes the sends a reload interrupted. */
export function composerOf(node: AuraNodeApi, channel: ChannelId): ChannelComposer {
  let byChannel = composers.get(node);
  if (!byChannel) composers.set(node, (byChannel = new Map()));
  let composer = byChannel.get(channel);
  if (!composer) byChannel.set(channel, (composer = new ChannelComposer(node, channel)));
  return composer;
}
