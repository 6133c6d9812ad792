import { compareStrings } from '../compare.ts';
import { cidOf } from '../encoding/cid.ts';
import { compareHlc, type Hlc } from '../facts/hlc.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { FactId, Namespace } from '../ids.ts';
import type { ChatMessage } from '../reduce/chat.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { compareStamps } from '../reduce/stamp.ts';
import { prefixHash, type CompactMessage, type SnapshotBlob } from './blob.ts';

/** Facts of a namespace the gate holds or refused: never part of a snapshot (they stay in the tail). */
function uncounted(st: NamespaceState): Set<FactId> {
  const out = new Set<FactId>(st.authz.refused.keys());
  for (const byId of st.authz.held.values()) for (const id of byId.keys()) out.add(id);
  return out;
}

/** Index of a value in a table built as values are met (the tables are sorted afterwards). */
class Table {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  add(v: string): void {
    if (!this.index.has(v)) this.index.set(v, this.values.push(v) - 1);
  }
  sorted(): { values: string[]; at: Map<string, number> } {
    const values = [...this.values].sort(compareStrings);
    return { values, at: new Map(values.map((v, i) => [v, i])) };
  }
}

/**
 * The snapshot of one namespace at `cut`: every counted fact with order time ≤ cut. Messages come from the
 * reduced chat state (a message compacted by an earlier snapshot has no fact any more), the rest whole from
 * `facts`. Deterministic: the same counted facts give the same bytes on every replica.
 */
export function buildSnapshot(ns: Namespace, epoch: number, cut: Hlc, facts: Iterable<ValidatedFact>, st: NamespaceState): SnapshotBlob {
  const skip = uncounted(st);
  const whole: ValidatedFact[] = [];
  let maxWall = 0;
  for (const f of facts) {
    if (f.fact.kind === 'chat.message' || skip.has(f.id) || compareHlc(f.fact.time, cut) > 0) continue;
    whole.push(f);
    maxWall = Math.max(maxWall, f.fact.time.wall);
  }
  whole.sort((a, b) => compareStrings(a.id, b.id));
  const msgs: ChatMessage[] = [];
  const channels = new Table();
  const authors = new Table();
  const devices = new Table();
  for (const bucket of st.chat.buckets.values()) {
    for (const m of bucket.messages) {
      if (compareHlc(m.time, cut) > 0) continue;
      msgs.push(m);
      channels.add(m.channel);
      authors.add(m.author);
      devices.add(m.device);
      maxWall = Math.max(maxWall, m.time.wall);
    }
  }
  msgs.sort(compareStamps);
  const [c, a, d] = [channels.sorted(), authors.sorted(), devices.sorted()];
  const messages = msgs.map((m): CompactMessage => [m.id, c.at.get(m.channel)!, a.at.get(m.author)!, d.at.get(m.device)!, m.time.wall, m.time.logical, m.text, m.ack ? 1 : 0]);
  const ids = [...whole.map((f) => f.id), ...msgs.map((m) => m.id)].sort(compareStrings);
  return {
    v: 1,
    ns,
    epoch,
    cut: { wall: cut.wall, logical: cut.logical },
    prefix: prefixHash(ids),
    maxWall,
    facts: whole.map((f) => f.bytes),
    channels: c.values,
    authors: a.values,
    devices: d.values,
    messages,
  };
}

/** The FactIds a snapshot covers: exactly what may be pruned once it completes, and nothing above its cut. */
export function coveredIds(blob: SnapshotBlob): FactId[] {
  return [...blob.facts.map(cidOf), ...blob.messages.map((m) => m[0])].sort(compareStrings);
}
