import type { FrostKeyPackage } from '../../core/crypto/frost.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import { groupPublicKey } from '../../core/crypto/frost.ts';
import { authorityNamespace, type DeviceId, type FactId } from '../../core/ids.ts';
import type { ConsensusId } from '../../core/ids.ts';
import { activeDevices, type TreeState } from '../../core/reduce/tree/tree-state.ts';
import type { ConsensusService } from '../../protocols/consensus/consensus-service.ts';
import { participantOf } from '../../protocols/consensus/dkg-session.ts';
import { witnessService } from '../witness/witness-service.ts';
import type { GroupBody } from '../../protocols/consensus/group-wire.ts';
import type { NodeHost } from '../host/node-host.ts';
import { writeAccountFact } from './tree-write.ts';

/** A fact of the authority journal the devices' consensus attests, over the head, by its consensus id. */
export interface Attestable {
  readonly id: FactId;
  readonly device: string;
  readonly consensusId: ConsensusId;
}

/** A proposal that neither path committed (a witness away) is made again after this long. */
const RETRY_MS = 10_000;

/**
 * Aura Consensus among an authority's devices (DESIGN §6) at t ≥ 2: each device with a key package of the
 * head's group key is a witness; the device that wrote a tree op proposes it (prestate = the head's
 * commitment, covers = the op) and writes the resulting commit, which attests the op in every device's tree.
 */
export class AccountConsensus {
  private current: { groupKey: string; service: ConsensusService } | null = null;
  /** When each of our pending ops was last proposed: tried again after RETRY_MS while it still waits. */
  private readonly proposed = new Map<FactId, number>();
  private prestate = '';

  constructor(
    private readonly host: NodeHost,
    private readonly send: (to: DeviceId | 'all', body: GroupBody) => void,
  ) {}

  /**
   * The head changed, or facts arrived: run as a witness of its group key (if we hold one), and propose what
   * we wrote that waits for the devices' attestation (tree ops, upgrade activations, admin replacements).
   */
  update(head: TreeState, key: FrostKeyPackage | undefined, pending: readonly Attestable[]): void {
    if (head.threshold < 2 || head.groupKey === null || key === undefined || toHex(groupPublicKey(key.public)) !== head.groupKey) {
      this.current = null;
      return;
    }
    this.prestate = head.commitment;
    if (this.current?.groupKey !== head.groupKey) this.current = this.serve(head, key);
    const now = this.host.deps.now();
    for (const op of pending) {
      if (op.device !== this.host.key.deviceId || now - (this.proposed.get(op.id) ?? -Infinity) < RETRY_MS) continue;
      if (this.current.service.propose({ consensusId: op.consensusId, prestateHash: head.commitment, covers: [op.id] })) this.proposed.set(op.id, now);
    }
  }

  receive(from: DeviceId, bytes: Uint8Array): void {
    this.current?.service.receive(participantOf(from), bytes);
  }

  reannounce(): void {
    this.current?.service.reannounce();
  }

  private serve(head: TreeState, key: FrostKeyPackage) {
    const service = witnessService(this.host, {
      ns: authorityNamespace(this.host.requireIdentity().authorityId),
      key,
      devices: activeDevices(head),
      send: this.send,
      prestate: () => this.prestate,
      committed: (commit) => void writeAccountFact(this.host, 'consensus.commit', commit).catch(() => this.host.countDrop('account:CommitWriteFailed')),
    });
    return { groupKey: head.groupKey!, service };
  }
}
