import { groupPublicKey, type FrostKeyPackage } from '../../core/crypto/frost.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { ConsensusCommit } from '../../core/facts/kinds/consensus.ts';
import type { GuardianRequest } from '../../core/facts/kinds/guardians.ts';
import { authorityNamespace, journalOf, type AuthorityId, type ContextId, type DeviceId, type Hash32 } from '../../core/ids.ts';
import { newestProof } from '../../core/reduce/membership.ts';
import type { TreeState } from '../../core/reduce/tree/tree-state.ts';
import type { ConsensusService } from '../../protocols/consensus/consensus-service.ts';
import { participantOf } from '../../protocols/consensus/dkg-session.ts';
import type { CommitDecision } from '../../protocols/consensus/execute.ts';
import { NodeError } from '../api.ts';
import type { GuardianInvitation, Ward } from '../api-guardians.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import { WitnessGroupChannel } from '../witness/group-channel.ts';
import { saveGroupKey } from '../witness/group-keys.ts';
import { witnessService } from '../witness/witness-service.ts';
import { pairs, type Pair } from './pairs.ts';

/** One ward's guardians as this device takes part: their sealed channel, and consensus once the key is known. */
interface WardGroup {
  readonly ward: AuthorityId;
  readonly context: ContextId;
  readonly request: GuardianRequest;
  readonly devices: readonly DeviceId[];
  readonly channel: WitnessGroupChannel;
  service: { groupKey: string; service: ConsensusService } | null;
}

export interface WardsDeps {
  readonly host: NodeHost;
  readonly contacts: ContactsModule;
  /** This device's key packages by group key (the module's, replaced when restored). */
  readonly keys: () => Map<string, FrostKeyPackage>;
  /** The prestate this guardian holds for a recovery decision: the ward's head, only when it may sign now. */
  readonly prestate: (ward: AuthorityId, decision: CommitDecision) => Hash32;
  readonly committed: (ward: AuthorityId, commit: ConsensusCommit) => void;
  /** A fellow guardian of `ward` shared the code of a recovery it helped sign. */
  readonly recoveryCode: (ward: AuthorityId, code: string) => void;
}

/**
 * The guardian's side of setup (DESIGN §2): requests from contacts and the answer; once the ward names the
 * devices, a DKG among them on the channel the request's secret opens (the lowest device starts it; the
 * owner's devices never hear it), the key package kept, and the group key stated in the pair. Afterwards the
 * same channel carries the guardians' Aura Consensus over recoveries of that ward.
 */
export class GuardianWards {
  private readonly groups = new Map<string, WardGroup>();
  /** Setups whose DKG this device started (it leads: the lowest device). */
  private readonly started = new Set<string>();

  constructor(private readonly deps: WardsDeps) {}

  invitations(nameOf: (a: AuthorityId) => string): GuardianInvitation[] {
    const { host } = this.deps;
    const me = host.identity();
    if (!me) return [];
    const out: GuardianInvitation[] = [];
    for (const p of pairs(host, this.deps.contacts).values()) {
      for (const f of p.g.requests.values()) {
        const r = f.fact.body;
        if (f.fact.author !== p.other || !r.guardians.includes(me.authorityId) || p.g.answers.has(`${r.ceremony} ${me.authorityId}`) || host.deps.now() > r.respondBy) continue;
        out.push({ context: p.context, ceremony: r.ceremony, from: p.other, fromName: nameOf(p.other), threshold: r.threshold, guardians: r.guardians.length, delayMs: r.delayMs });
      }
    }
    return out.sort((a, b) => (a.ceremony < b.ceremony ? -1 : 1));
  }

  async answer(context: ContextId, ceremony: string, accept: boolean): Promise<void> {
    if (!this.invitations(() => '').some((i) => i.context === context && i.ceremony === ceremony)) throw new NodeError('InvalidInput', 'No guardian request of that kind is waiting here.');
    const { host } = this.deps;
    const f = draft(host, journalOf(context), 'guardian.answer', accept ? { ceremony, accept, device: host.key.deviceId } : { ceremony, accept });
    await host.write({ context, facts: [f], membership: host.membersOf(context).view, right: 'chat:send', announce: true });
  }

  /** Whom this authority guards, as each ward's newest tree states it. */
  wards(nameOf: (a: AuthorityId) => string): Ward[] {
    const me = this.deps.host.identity();
    if (!me) return [];
    const out: Ward[] = [];
    for (const p of pairs(this.deps.host, this.deps.contacts).values()) {
      const branch = this.wardHead(p)?.guardians;
      if (branch?.guardians.some((g) => g.authority === me.authorityId)) out.push({ authority: p.other, name: nameOf(p.other), holdsShare: this.deps.keys().has(branch.groupKey) });
    }
    return out;
  }

  /** The ward's newest tree this guardian knows (from its bindings in the pair). */
  wardHead(p: Pair): TreeState | null {
    return newestProof(p.st, p.other)?.tree.head ?? null;
  }

  /** Opens the channel of every setup this device takes part in; starts the DKG it leads; serves consensus. */
  refresh(): void {
    const { host } = this.deps;
    const me = host.identity();
    if (!me || host.closed) return;
    for (const p of pairs(host, this.deps.contacts).values()) {
      for (const f of p.g.ready.values()) {
        const r = p.g.requests.get(f.fact.body.ceremony)?.fact.body;
        if (!r || f.fact.author !== p.other || !f.fact.body.devices.includes(host.key.deviceId)) continue;
        const group = this.groups.get(r.ceremony) ?? this.open(p, r, [...f.fact.body.devices].sort());
        const stated = p.g.keys.get(`${r.ceremony} ${me.authorityId}`)?.fact.body.groupKey;
        if (stated === undefined && !this.started.has(r.ceremony) && !group.channel.running && group.devices[0] === host.key.deviceId) {
          this.started.add(r.ceremony);
          group.channel.startDkg(group.devices, r.threshold);
        }
        this.serve(p, group, stated);
      }
    }
  }

  tick(): void {
    for (const g of this.groups.values()) {
      g.channel.tick();
      g.service?.service.reannounce();
    }
  }

  stop(): void {
    for (const g of this.groups.values()) g.channel.stop();
  }

  /** Proposes re-admitting `device` over the ward's head, if this device is one of its guardians' witnesses. */
  propose(ward: AuthorityId, decision: CommitDecision): boolean {
    return this.current(ward)?.service?.service.propose(decision) ?? false;
  }

  /** Tells the ward's other guardians the code of a recovery this device helped sign. */
  shareCode(ward: AuthorityId, code: string): void {
    this.current(ward)?.channel.send('all', { type: 'recovery-code', code });
  }

  /** The group serving the ward's current guardian key. */
  private current(ward: AuthorityId): WardGroup | undefined {
    const p = pairs(this.deps.host, this.deps.contacts).get(ward);
    const key = p && this.wardHead(p)?.guardians?.groupKey;
    return [...this.groups.values()].find((x) => x.ward === ward && x.service?.groupKey === key);
  }

  private open(p: Pair, request: GuardianRequest, devices: DeviceId[]): WardGroup {
    const { host } = this.deps;
    const group: WardGroup = {
      ward: p.other,
      context: p.context,
      request,
      devices,
      service: null,
      channel: new WitnessGroupChannel({
        host,
        tag: 'guardians',
        purpose: `guardians:${request.ceremony}`,
        secret: () => request.channel,
        context: () => p.context,
        participants: () => devices,
        began: () => host.changed(),
        keyReady: (key) => this.keyReady(group, key),
        failed: (reason) => host.countDrop(`guardians:DkgFailed:${reason.slice(0, 40)}`),
        consensus: (from, bytes) => group.service?.service.receive(participantOf(from), bytes),
        recoveryCode: (_from, code) => this.deps.recoveryCode(group.ward, code),
      }),
    };
    this.groups.set(request.ceremony, group);
    group.channel.open();
    return group;
  }

  /** Consensus among the ward's guardians under the key this device stated, once it is the ward's current one. */
  private serve(p: Pair, group: WardGroup, stated: string | undefined): void {
    const key = stated === undefined ? undefined : this.deps.keys().get(stated);
    if (!key || group.service?.groupKey === stated || this.wardHead(p)?.guardians?.groupKey !== stated) return;
    const service = witnessService(this.deps.host, {
      ns: authorityNamespace(group.ward),
      key,
      devices: group.devices,
      send: (to, body) => group.channel.send(to, body),
      prestate: (decision) => this.deps.prestate(group.ward, decision),
      committed: (commit) => this.deps.committed(group.ward, commit),
    });
    group.service = { groupKey: stated!, service };
  }

  private async keyReady(group: WardGroup, key: FrostKeyPackage): Promise<void> {
    const { host } = this.deps;
    const groupKey = toHex(groupPublicKey(key.public));
    try {
      await saveGroupKey(host.deps.store, groupKey, key);
      this.deps.keys().set(groupKey, key);
      const f = draft(host, journalOf(group.context), 'guardian.key', { ceremony: group.request.ceremony, groupKey });
      await host.write({ context: group.context, facts: [f], membership: host.membersOf(group.context).view, right: 'chat:send', announce: true });
    } catch (e) {
      host.countDrop(`guardians:KeyNotRecorded:${e instanceof NodeError ? e.code : 'Error'}`);
    }
  }
}
