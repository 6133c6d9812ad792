import { compareStrings } from '../compare.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, FactId } from '../ids.ts';
import { keepFirst } from './first-by-order.ts';
import type { Reducer } from './reducer.ts';

type Create = ValidatedFact<'group.create'>;
type Response = ValidatedFact<'group.response'>;
type Rekey = ValidatedFact<'group.rekey'>;

/**
 * A group context's own facts, as first-by-fact-order joins (so `apply` commutes): the roster genesis (only
 * its creator may write one; should it write two, the first counts), each invitee's first answer, and the
 * keys of each epoch
 * (all kept: which one counts depends on who is a member then, which only the whole roster says). What they mean together is `groupRoster` (`group-roster.ts`).
 */
export interface GroupsState {
  readonly create: Map<'', Create>;
  readonly responses: Map<AuthorityId, Response>;
  readonly rekeys: Map<number, Map<FactId, Rekey>>;
  /** Facts seen that a roster depends on (group, proposal, binding): a cache key, not part of the canonical state. */
  seen: number;
}

export interface GroupsCanonical {
  readonly create: FactId | null;
  readonly responses: readonly FactId[];
  readonly rekeys: readonly FactId[];
}

export const groupsReducer: Reducer<GroupsState, GroupsCanonical> = {
  init: () => ({ create: new Map(), responses: new Map(), rekeys: new Map(), seen: 0 }),
  apply(st, vf) {
    st.seen++;
    if (vf.fact.kind === 'group.create') keepFirst(st.create, '', vf as Create);
    else if (vf.fact.kind === 'group.response') keepFirst(st.responses, vf.fact.author, vf as Response);
    else if (vf.fact.kind === 'group.rekey') {
      const epoch = (vf as Rekey).fact.body.epoch;
      if (!st.rekeys.has(epoch)) st.rekeys.set(epoch, new Map());
      st.rekeys.get(epoch)!.set(vf.id, vf as Rekey);
    }
  },
  canonical: (st) => ({
    create: st.create.get('')?.id ?? null,
    responses: [...st.responses.values()].map((r) => r.id).sort(compareStrings),
    rekeys: [...st.rekeys.values()].flatMap((m) => [...m.keys()]).sort(compareStrings),
  }),
};
