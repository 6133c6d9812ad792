import { compareStrings } from '../compare.ts';
import { hashValue } from '../crypto/hash.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, CeremonyId, DeviceId, FactId } from '../ids.ts';
import { keepFirst } from './first-by-order.ts';
import type { Reducer } from './reducer.ts';

type F<K extends 'guardian.request' | 'guardian.answer' | 'guardian.ready' | 'guardian.key' | 'recovery.approve' | 'recovery.cancel' | 'recovery.reshare'> = ValidatedFact<K>;

/**
 * Guardian and recovery facts of one (pairwise) context, as first-by-fact-order joins so `apply` commutes:
 * each ceremony's request and device list (its initiator's first), each guardian's first answer and key, each
 * guardian's first word on each recovery (an approval or a refusal is final), the first cancellation of each
 * recovery, and every re-share. What they mean across the pairs is `guardian-status.ts`'.
 */
export interface GuardiansState {
  readonly requests: Map<CeremonyId, F<'guardian.request'>>;
  /** By `${ceremony} ${author}`. */
  readonly answers: Map<string, F<'guardian.answer'>>;
  readonly ready: Map<CeremonyId, F<'guardian.ready'>>;
  readonly keys: Map<string, F<'guardian.key'>>;
  /** By `${authority} ${device} ${author}`. */
  readonly approvals: Map<string, F<'recovery.approve'>>;
  /** By `${author} ${device}`: the authority cancelling the recovery of itself to `device`. */
  readonly cancels: Map<string, F<'recovery.cancel'>>;
  readonly reshares: Map<FactId, F<'recovery.reshare'>>;
}

export interface GuardiansCanonical {
  readonly ids: readonly FactId[];
}

const key = (...parts: string[]) => parts.join(' ');

/**
 * A setup's ceremony id is bound to its requester and its channel secret: nobody else can write a request
 * with the same id, so which request an answer is judged against never depends on arrival order.
 */
export function guardianCeremonyId(requester: AuthorityId, channel: Uint8Array): CeremonyId {
  return hashValue('aura/guardians/ceremony', [requester, channel]);
}

export const guardiansReducer: Reducer<GuardiansState, GuardiansCanonical> = {
  init: () => ({ requests: new Map(), answers: new Map(), ready: new Map(), keys: new Map(), approvals: new Map(), cancels: new Map(), reshares: new Map() }),
  apply(st, vf) {
    const a = vf.fact.author;
    switch (vf.fact.kind) {
      case 'guardian.request': return keepFirst(st.requests, (vf as F<'guardian.request'>).fact.body.ceremony, vf as F<'guardian.request'>);
      case 'guardian.answer': return keepFirst(st.answers, key((vf as F<'guardian.answer'>).fact.body.ceremony, a), vf as F<'guardian.answer'>);
      case 'guardian.ready': return keepFirst(st.ready, (vf as F<'guardian.ready'>).fact.body.ceremony, vf as F<'guardian.ready'>);
      case 'guardian.key': return keepFirst(st.keys, key((vf as F<'guardian.key'>).fact.body.ceremony, a), vf as F<'guardian.key'>);
      case 'recovery.approve': {
        const b = (vf as F<'recovery.approve'>).fact.body;
        return keepFirst(st.approvals, key(b.authority, b.device, a), vf as F<'recovery.approve'>);
      }
      case 'recovery.cancel': return keepFirst(st.cancels, key(a, (vf as F<'recovery.cancel'>).fact.body.device), vf as F<'recovery.cancel'>);
      case 'recovery.reshare': {
        st.reshares.set(vf.id, vf as F<'recovery.reshare'>);
        return;
      }
    }
  },
  canonical: (st) => ({
    ids: [st.requests, st.answers, st.ready, st.keys, st.approvals, st.cancels, st.reshares].flatMap((m) => [...m.values()].map((f) => f.id)).sort(compareStrings),
  }),
};

/** A guardian's word on one recovery, as the authority's pair with it records it. */
export interface RecoveryVote {
  readonly guardian: AuthorityId;
  readonly approve: boolean;
  readonly at: number;
}

/** Every guardian's first word on re-admitting `device` to `authority` in one pair's state. */
export function recoveryVotes(st: GuardiansState, authority: AuthorityId, device: DeviceId): RecoveryVote[] {
  const out: RecoveryVote[] = [];
  for (const f of st.approvals.values()) {
    const b = f.fact.body;
    if (b.authority === authority && b.device === device) out.push({ guardian: f.fact.author, approve: b.approve, at: f.fact.time.wall });
  }
  return out;
}

/** The recoveries of `authority` this pair's state mentions (devices asked for), sorted. */
export function recoveriesOf(st: GuardiansState, authority: AuthorityId): DeviceId[] {
  const devices = new Set<DeviceId>();
  for (const f of st.approvals.values()) if (f.fact.body.authority === authority) devices.add(f.fact.body.device);
  return [...devices].sort(compareStrings);
}

/** Whether `authority` cancelled the recovery to `device` here, and when (fact time). */
export function cancelledAt(st: GuardiansState, authority: AuthorityId, device: DeviceId): number | null {
  return st.cancels.get(key(authority, device))?.fact.time.wall ?? null;
}
