import { compareStrings } from '../compare.ts';
import { joinAgreement, PROVISIONAL, type Agreement } from '../consistency/agreement.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { FactId } from '../ids.ts';
import { compareFacts } from './stamp.ts';
import type { Reducer } from './reducer.ts';

/**
 * Agreement levels from evidence facts: a consensus commit finalizes what it covers (A3), a
 * convergence certificate makes it SoftSafe (A2). At most one commit counts per (consensusId, prestate):
 * the first by fact order; any other is kept as a conflict (evidence of equivocation), never applied.
 */
export interface AgreementState {
  readonly commits: Map<string, ValidatedFact<'consensus.commit'>[]>;
  readonly certs: Map<FactId, ValidatedFact<'consensus.cert'>>;
  index: Map<FactId, Agreement> | null;
}

export interface AgreementCanonical {
  readonly levels: readonly (readonly [FactId, Agreement])[];
  readonly conflicts: readonly FactId[];
}

function winners(st: AgreementState): ValidatedFact<'consensus.commit'>[] {
  return [...st.commits.values()].map((list) => list.reduce((a, b) => (compareFacts(a, b) <= 0 ? a : b)));
}

function buildIndex(st: AgreementState): Map<FactId, Agreement> {
  const idx = new Map<FactId, Agreement>();
  const raise = (id: FactId, a: Agreement) => idx.set(id, joinAgreement(idx.get(id) ?? PROVISIONAL, a));
  for (const c of st.certs.values()) {
    const cert = { certId: c.fact.body.certId, witnesses: c.fact.body.witnesses };
    for (const id of c.fact.body.covers) raise(id, { level: 'SoftSafe', cert });
  }
  for (const w of winners(st)) for (const id of w.fact.body.covers) raise(id, { level: 'Finalized', consensusId: w.fact.body.consensusId });
  return idx;
}

export function agreementOf(st: AgreementState, id: FactId): Agreement {
  st.index ??= buildIndex(st);
  return st.index.get(id) ?? PROVISIONAL;
}

export const agreementReducer: Reducer<AgreementState, AgreementCanonical> = {
  init: () => ({ commits: new Map(), certs: new Map(), index: null }),
  apply(st, vf) {
    if (vf.fact.kind === 'consensus.commit') {
      const c = vf as ValidatedFact<'consensus.commit'>;
      const key = `${c.fact.body.consensusId}\n${c.fact.body.prestateHash}`;
      const list = st.commits.get(key) ?? [];
      if (list.some((x) => x.id === c.id)) return;
      list.push(c);
      st.commits.set(key, list);
      st.index = null;
    } else if (vf.fact.kind === 'consensus.cert') {
      if (st.certs.has(vf.id)) return;
      st.certs.set(vf.id, vf as ValidatedFact<'consensus.cert'>);
      st.index = null;
    }
  },
  canonical(st) {
    st.index ??= buildIndex(st);
    const levels = [...st.index.entries()].sort((a, b) => compareStrings(a[0], b[0]));
    const won = new Set(winners(st).map((w) => w.id));
    const conflicts = [...st.commits.values()].flat().filter((c) => !won.has(c.id)).map((c) => c.id).sort(compareStrings);
    return { levels, conflicts };
  },
};
