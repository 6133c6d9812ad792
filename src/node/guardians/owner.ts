import type { CeremonyStatus, ParticipantResponse } from '../../core/consistency/ceremony-status.ts';
import { MAX_GUARDIANS, MAX_RECOVERY_DELAY_MS } from '../../core/facts/kinds/tree.ts';
import type { GuardianRequest } from '../../core/facts/kinds/guardians.ts';
import { journalOf, type AuthorityId, type DeviceId } from '../../core/ids.ts';
import { cancelledAt, guardianCeremonyId, recoveriesOf, recoveryVotes } from '../../core/reduce/guardians.ts';
import { recoveryStatus } from '../../core/reduce/recovery-status.ts';
import { NodeError } from '../api.ts';
import type { RecoveryView } from '../api-guardians.ts';
import { writeTreeOp } from '../account/tree-write.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { ownHead, ownRecoveries, pairs, type Pair } from './pairs.ts';

/** How long guardians have to answer a request (fact time). */
const RESPOND_WITHIN_MS = 7 * 24 * 3600_000;

/**
 * The owner's side (DESIGN §2, §7): "Set guardians" asks t of n contacts in each pair's own context; once all
 * accept it names their devices (the DKG's participants); once every guardian states the same group key it
 * writes SetGuardians into the tree and carries the new tree into every context (so guardians know it). Also
 * what the owner's surviving devices see of recoveries of this authority, and their cancellation.
 */
export class GuardianOwner {
  /** Ceremonies whose next step this device already wrote (it reads them back from the pairs, too). */
  private readonly done = new Set<string>();

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly contacts: ContactsModule,
  ) {}

  async setGuardians(guardians: readonly AuthorityId[], threshold: number, delayMs: number): Promise<void> {
    const me = this.host.requireIdentity();
    const all = pairs(this.host, this.contacts);
    const chosen = [...new Set(guardians)];
    if (chosen.length === 0 || chosen.length > MAX_GUARDIANS || chosen.some((a) => !all.has(a) || a === me.authorityId)) throw new NodeError('NotAContact', `Guardians are 1 to ${MAX_GUARDIANS} of your contacts.`);
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > chosen.length) throw new NodeError('InvalidInput', `Between 1 and ${chosen.length} guardians must be needed.`);
    if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_RECOVERY_DELAY_MS) throw new NodeError('InvalidInput', 'The waiting period is 0 to 30 days.');
    const channel = this.host.deps.random(32);
    const body: GuardianRequest = { ceremony: guardianCeremonyId(me.authorityId, channel), threshold, guardians: chosen, delayMs, channel, respondBy: this.host.deps.now() + RESPOND_WITHIN_MS };
    for (const a of chosen) await this.writeIn(all.get(a)!, 'guardian.request', body);
  }

  /** The latest setup this authority started, from its pairs. */
  latest(): { request: GuardianRequest; pairs: Map<AuthorityId, Pair> } | null {
    const me = this.host.identity();
    if (!me) return null;
    const all = pairs(this.host, this.contacts);
    let best: { request: GuardianRequest; wall: number } | null = null;
    for (const p of all.values()) {
      for (const f of p.g.requests.values()) {
        if (f.fact.author === me.authorityId && (best === null || f.fact.time.wall > best.wall || (f.fact.time.wall === best.wall && f.fact.body.ceremony > best.request.ceremony))) best = { request: f.fact.body, wall: f.fact.time.wall };
      }
    }
    return best && { request: best.request, pairs: all };
  }

  status(): CeremonyStatus | null {
    const l = this.latest();
    if (!l) return null;
    const { request: r } = l;
    const answers = r.guardians.map((g) => l.pairs.get(g)?.g.answers.get(`${r.ceremony} ${g}`));
    const responses: ParticipantResponse[] = r.guardians.map((g, i) => {
      const a = answers[i];
      return { participant: g, response: a === undefined ? 'Pending' : a.fact.body.accept ? 'Accepted' : 'Rejected', respondedAt: a?.fact.time.wall ?? null };
    });
    const key = this.agreedKey(r, l.pairs);
    const head = ownHead(this.host);
    const base = { ceremonyId: r.ceremony, responses, threshold: r.guardians.length, prestateHash: head?.commitment ?? '', committedAgreement: null };
    const accepted = responses.filter((x) => x.response === 'Accepted').length;
    if (key !== null && head?.guardians?.groupKey === key) {
      return { ...base, state: { type: 'Committed', consensusId: `guardians:${r.ceremony}`, committedAt: Math.max(...responses.map((x) => x.respondedAt ?? 0)) }, committedAgreement: { level: 'Finalized', consensusId: `guardians:${r.ceremony}` } };
    }
    const declined = responses.find((x) => x.response === 'Rejected');
    if (declined) return { ...base, state: { type: 'Aborted', reason: 'a guardian declined', abortedAt: declined.respondedAt! } };
    if (accepted < responses.length && this.host.deps.now() > r.respondBy) return { ...base, state: { type: 'Aborted', reason: 'not every guardian answered in time', abortedAt: r.respondBy } };
    if (accepted === responses.length) return { ...base, state: { type: 'Committing' } };
    return { ...base, state: { type: 'PendingEpoch', pendingEpoch: (head?.epoch ?? 0) + 1, requiredResponses: responses.length, receivedResponses: accepted } };
  }

  /** Moves the latest setup on: the device list once all accepted, SetGuardians once all keys agree. */
  async progress(): Promise<void> {
    const l = this.latest();
    if (!l || this.host.closed) return;
    const { request: r } = l;
    const answers = r.guardians.map((g) => l.pairs.get(g)?.g.answers.get(`${r.ceremony} ${g}`));
    if (answers.some((a) => a === undefined || !a.fact.body.accept || a.fact.body.device === undefined)) return;
    const devices = answers.map((a) => a!.fact.body.device!);
    if (!this.done.has(`ready ${r.ceremony}`) && r.guardians.some((g) => !l.pairs.get(g)!.g.ready.has(r.ceremony))) {
      this.done.add(`ready ${r.ceremony}`);
      for (const g of r.guardians) await this.writeIn(l.pairs.get(g)!, 'guardian.ready', { ceremony: r.ceremony, devices });
    }
    const key = this.agreedKey(r, l.pairs);
    if (key === null || ownHead(this.host)?.guardians?.groupKey === key || this.done.has(`set ${r.ceremony}`)) return;
    this.done.add(`set ${r.ceremony}`);
    const guardians = r.guardians.map((authority, i) => ({ authority, device: devices[i]! }));
    await writeTreeOp(this.host, { type: 'SetGuardians', threshold: r.threshold, guardians, groupKey: key, delayMs: r.delayMs });
    // The guardians learn the new tree from this device's bindings: what they will sign a recovery over.
    await this.membership.announceTree();
  }

  /** Recoveries of this authority that any guardian approved or refused, for the surviving devices. */
  alerts(names: (a: AuthorityId) => string): RecoveryView[] {
    const me = this.host.identity();
    const head = ownHead(this.host);
    if (!me || !head?.guardians) return [];
    const branch = head.guardians;
    const mine = [...pairs(this.host, this.contacts).values()].filter((p) => branch.guardians.some((g) => g.authority === p.other));
    const recovered = ownRecoveries(this.host);
    const devices = [...new Set(mine.flatMap((p) => recoveriesOf(p.g, me.authorityId)))].sort();
    return devices.map((device) => {
      const cancels = mine.map((p) => cancelledAt(p.g, me.authorityId, device)).filter((t): t is number => t !== null);
      const status = recoveryStatus({
        authority: me.authorityId,
        device,
        branch,
        prestate: head.commitment,
        epoch: head.epoch,
        votes: mine.flatMap((p) => recoveryVotes(p.g, me.authorityId, device)),
        cancelledAt: cancels.length > 0 ? Math.min(...cancels) : null,
        recoveredAt: recovered.get(device) ?? null,
      });
      return { authority: me.authorityId, name: me.displayName, device, status, names: Object.fromEntries(branch.guardians.map((g) => [g.authority, names(g.authority)])), signableAt: null };
    });
  }

  /** Cancels in every guardian's pair: each guardian then refuses to sign for that device. */
  async cancel(device: DeviceId): Promise<void> {
    const head = ownHead(this.host);
    if (!head?.guardians) throw new NodeError('InvalidInput', 'This identity has no guardians.');
    const all = pairs(this.host, this.contacts);
    for (const g of head.guardians.guardians) {
      const p = all.get(g.authority);
      if (p) await this.writeIn(p, 'recovery.cancel', { device });
    }
  }

  /** The group key every guardian stated for this ceremony, when they all stated the same one. */
  private agreedKey(r: GuardianRequest, all: Map<AuthorityId, Pair>): string | null {
    const keys = r.guardians.map((g) => all.get(g)?.g.keys.get(`${r.ceremony} ${g}`)?.fact.body.groupKey);
    return keys.every((k) => k !== undefined && k === keys[0]) ? keys[0]! : null;
  }

  private async writeIn<K extends 'guardian.request' | 'guardian.ready' | 'recovery.cancel'>(p: Pair, kind: K, body: Parameters<typeof draft<K>>[3]): Promise<void> {
    const f = draft(this.host, journalOf(p.context), kind, body);
    await this.host.write({ context: p.context, facts: [f], membership: this.host.membersOf(p.context).view, right: 'chat:send', announce: true });
  }
}
