import { cidOf } from '../encoding/cid.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { restoreFact } from '../facts/stored.ts';
import type { AuthorityId, DeviceId } from '../ids.ts';
import { addMessage } from '../reduce/chat.ts';
import { namespaceReducer, type NamespaceState } from '../reduce/namespace-reducer.ts';
import { SnapshotError, type SnapshotBlob } from './blob.ts';

export interface Hydrated {
  readonly state: NamespaceState;
  /** The whole facts the snapshot kept, as the journal holds them. */
  readonly facts: readonly ValidatedFact[];
}

/**
 * The reduced state a snapshot stands for: its whole facts through the reducers (behind the gate, as ever),
 * then its messages straight into the chat state — they were counted when the snapshot was taken, and a
 * message releases nothing the gate waits for. Replaying the tail onto this state gives the state of the full
 * fact set (`test/core/snapshot.test.ts`). Signatures of the whole facts are not checked here: the threshold
 * signature over the blob's digest vouches for its bytes.
 */
export function hydrateSnapshot(blob: SnapshotBlob): Hydrated {
  const state = namespaceReducer.init();
  const facts: ValidatedFact[] = [];
  for (const bytes of blob.facts) {
    const f = restoreFact(cidOf(bytes), bytes);
    if (f === null || f.fact.ns !== blob.ns) throw new SnapshotError('Malformed', 'a snapshot fact does not decode or is of another namespace');
    facts.push(f);
    namespaceReducer.apply(state, f);
  }
  seedMessages(state, blob);
  return { state, facts };
}

/**
 * A snapshot's messages (and the wall time they prove) into a state: what a node that kept the snapshot's
 * whole facts as stored facts needs at cold start, before it replays them.
 */
export function seedMessages(state: NamespaceState, blob: SnapshotBlob): void {
  for (const [id, channel, author, device, wall, logical, text, ack] of blob.messages) {
    const d = blob.devices[device] as DeviceId;
    addMessage(state.chat, { id, time: { wall, logical, device: d }, channel: blob.channels[channel]!, author: blob.authors[author] as AuthorityId, device: d, text, ack: ack === 1 });
  }
  state.proposals.maxWall = Math.max(state.proposals.maxWall, blob.maxWall);
}
