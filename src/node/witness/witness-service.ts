import type { FrostKeyPackage } from '../../core/crypto/frost.ts';
import type { ConsensusCommit } from '../../core/facts/kinds/consensus.ts';
import type { DeviceId, Hash32, Namespace } from '../../core/ids.ts';
import { ConsensusService } from '../../protocols/consensus/consensus-service.ts';
import { participantOf } from '../../protocols/consensus/dkg-session.ts';
import type { CommitDecision } from '../../protocols/consensus/execute.ts';
import type { GroupBody } from '../../protocols/consensus/group-wire.ts';
import { WitnessSigner } from '../../protocols/consensus/witness-signer.ts';
import type { NodeHost } from '../host/node-host.ts';

/** T_fallback before any round trip was measured (DESIGN §6: 2–3 × RTT; loopback RTTs are a few ms). */
const FALLBACK_MS = 1_000;

export interface WitnessServiceOptions {
  readonly ns: Namespace;
  readonly key: FrostKeyPackage;
  /** The group's devices: FROST participants are derived from their DeviceIds. */
  readonly devices: readonly DeviceId[];
  readonly send: (to: DeviceId | 'all', body: GroupBody) => void;
  readonly prestate: (decision: CommitDecision) => Hash32;
  readonly committed: (commit: ConsensusCommit) => void;
}

/** This device as a witness of a group with key package `key`: Aura Consensus over the group's channel. */
export function witnessService(host: NodeHost, o: WitnessServiceOptions): ConsensusService {
  const devices = new Map(o.devices.map((d) => [participantOf(d), d]));
  const service = new ConsensusService({
    ns: o.ns,
    self: o.key.participant,
    pub: o.key.public,
    set: { witnesses: Object.keys(o.key.public.verifyingShares).sort(), threshold: o.key.public.signers.min },
    signer: new WitnessSigner(o.key, host.deps.random),
    net: { send: (to, bytes) => o.send(to === 'all' ? 'all' : (devices.get(to) ?? 'all'), { type: 'consensus', bytes }) },
    now: host.deps.now,
    prestate: o.prestate,
    fallbackAfterMs: FALLBACK_MS,
    setTimer: (ms, run) => void setTimeout(run, ms),
    committed: o.committed,
    dropped: (r) => host.countDrop(r),
    // Counted where the network panel shows it; the evidence itself stays with the service (`watch.evidence()`).
    equivocated: () => host.countDrop('consensus:EquivocationProven'),
  });
  service.announce();
  return service;
}
