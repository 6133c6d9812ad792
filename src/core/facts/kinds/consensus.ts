import { arr, bytes, cid, hash32, ident, obj, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

/** A consensus commit: the facts it covers become Finalized (A3). At most one per (consensusId, prestate). */
export const ConsensusCommit = obj({
  consensusId: ident,
  prestateHash: hash32,
  covers: arr(cid, { min: 1, max: 256, unique: true }),
  signers: arr(ident, { min: 1, max: 256, unique: true }),
  signature: bytes({ len: 64 }),
});
/** A convergence certificate: the facts it covers become SoftSafe (A2). */
export const ConvergenceCert = obj({
  certId: ident,
  covers: arr(cid, { min: 1, max: 256, unique: true }),
  witnesses: arr(ident, { min: 1, max: 256, unique: true }),
});
export type ConsensusCommit = Infer<typeof ConsensusCommit>;
export type ConvergenceCert = Infer<typeof ConvergenceCert>;

export const consensusKinds = {
  'consensus.commit': kind('any', ConsensusCommit),
  'consensus.cert': kind('any', ConvergenceCert),
};
