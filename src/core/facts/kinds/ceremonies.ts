import { arr, bool, cid, hash32, ident, int, literal, obj, str, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

/** A category-C operation. Its id is the FactId of its start fact; k of n participants must accept. */
export const CeremonyStarted = obj(
  {
    ceremonyKind: str({ min: 1, max: 64 }),
    participants: arr(ident, { min: 1, max: 256, unique: true }),
    threshold: int({ min: 1, max: 256 }),
    prestateHash: hash32,
  },
  { pendingEpoch: int() },
);
export const CeremonyResponse = obj({ ceremony: cid, accept: bool });
export const CeremonyCommitted = obj({ ceremony: cid, consensusId: ident });
export const CeremonyAborted = obj({ ceremony: cid, reason: str({ min: 1, max: 256 }) });
export const SupersessionReason = literal('PrestateStale', 'NewerRequest', 'ExplicitCancel', 'Timeout');
export type SupersessionReason = Infer<typeof SupersessionReason>;
export const CeremonySuperseded = obj({ ceremony: cid, by: cid, reason: SupersessionReason });
export type CeremonyStarted = Infer<typeof CeremonyStarted>;
export type CeremonyResponse = Infer<typeof CeremonyResponse>;
export type CeremonyCommitted = Infer<typeof CeremonyCommitted>;
export type CeremonyAborted = Infer<typeof CeremonyAborted>;
export type CeremonySuperseded = Infer<typeof CeremonySuperseded>;

export const ceremonyKinds = {
  'ceremony.start': kind('any', CeremonyStarted),
  'ceremony.response': kind('any', CeremonyResponse),
  'ceremony.commit': kind('any', CeremonyCommitted),
  'ceremony.abort': kind('any', CeremonyAborted),
  'ceremony.supersede': kind('any', CeremonySuperseded),
};
