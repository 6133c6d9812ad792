import { DecodeError } from '../../core/encoding/cbor-decode.ts';
import { AuraError } from '../../core/errors.ts';
import { createFact } from '../../core/facts/create.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { validateFact } from '../../core/facts/validate.ts';
import { authorityNamespace, type AuthorityId, type DeviceId } from '../../core/ids.ts';
import { encodeRendezvousCode, type RendezvousCode } from '../../core/rendezvous/code.ts';
import type { RecoveryMessage } from '../../core/rendezvous/recovery-message.ts';
import { proofFacts, provenTree } from '../../core/reduce/tree/device-proof.ts';
import { recoveryAttested } from '../../core/reduce/tree/recovery.ts';
import { RecoveryLink } from '../../protocols/rendezvous/recovery-link.ts';
import { NodeError } from '../api.ts';
import type { RecoveringView } from '../api-guardians.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import { chargedTopics } from '../host/ceremony-runs.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { loadCodes, saveCodes } from './saved-codes.ts';

/** How long a recovery code stays valid: long enough for every guardian's waiting period to run. */
const CODE_TTL_MS = 7 * 24 * 3600_000;
/** The recovered device tells guardians it holds the new tree this long, so each re-shares its pair. */
const ANNOUNCE_FOR_MS = 120_000;
const RECOVERING_META = 'recovering';

export type Become = (authority: AuthorityId, name: string, facts: readonly ValidatedFact[]) => Promise<void>;

/**
 * The recovering side (DESIGN §2, §7): a fresh device shows a recovery code; guardians who enter it say what
 * they decided; the first signed recovery that verifies — the tree it recovers, proven by its own facts, and the
 * guardians' threshold signature under that tree's guardian key — makes this device the authority (its Recover
 * op written by itself). It then proves the new tree to the guardians, who each re-share their pair with it.
 */
export class Recovering {
  private run: { code: RendezvousCode; link: RecoveryLink; view: RecoveringView; guardians: Set<DeviceId>; recoveredAt: number } | null = null;

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly contacts: ContactsModule,
    private readonly become: Become,
  ) {}

  /** Read at restore: the code this device was showing before a reload, resumed once the network starts. */
  private saved: RendezvousCode | null = null;

  async restore(): Promise<void> {
    const [saved] = await loadCodes(this.host, RECOVERING_META);
    this.saved = saved?.code.device === this.host.key.deviceId ? saved.code : null;
  }

  /** After a reload: the same code again, so guardians who have it still meet this device. */
  resume(): void {
    if (this.saved && !this.run && !this.host.identity() && this.host.deps.transport) this.begin(this.saved);
  }

  start(claimedName: string): RecoveringView {
    if (this.host.identity()) throw new NodeError('IdentityExists', 'This device already has an identity.');
    if (!this.host.deps.transport) throw new NodeError('Offline', 'Recovering needs the network.');
    const name = claimedName.trim().slice(0, 64);
    if (name.length === 0) throw new NodeError('InvalidInput', 'Say who you are, as your guardians know you.');
    const code: RendezvousCode = { purpose: 'recover', secret: this.host.deps.random(32), expires: this.host.deps.now() + CODE_TTL_MS, from: name, device: this.host.key.deviceId };
    saveCodes(this.host, RECOVERING_META, [{ code, ward: null }]);
    return this.begin(code);
  }

  private begin(code: RendezvousCode): RecoveringView {
    this.run?.link.stop();
    const run = {
      code,
      guardians: new Set<DeviceId>(),
      recoveredAt: 0,
      view: { code: encodeRendezvousCode(code), device: this.host.key.deviceId, phase: 'waiting', authority: null, name: null, words: [], threshold: null, guardianCount: null, error: null } as RecoveringView,
      link: new RecoveryLink({
        key: this.host.key,
        code,
        net: chargedTopics(this.host),
        now: this.host.deps.now,
        random: this.host.deps.random,
        // Guardians who did not help follow a signed recovery's code: they too get the proof, then re-share.
        found: (offer) => run.guardians.add(offer.device),
        received: (from, m) => void this.received(from, m).catch((e: unknown) => this.update({ error: e instanceof AuraError ? e.message : String(e) })),
        dropped: (r) => this.host.countDrop(r),
      }),
    };
    this.run = run;
    run.link.start();
    this.host.changed();
    return run.view;
  }

  view(): RecoveringView | null {
    return this.run?.view ?? null;
  }

  tick(): void {
    const run = this.run;
    if (!run || run.view.phase !== 'recovered' || this.host.deps.now() - run.recoveredAt > ANNOUNCE_FOR_MS) return;
    const proof = this.membership.deviceProof();
    for (const g of run.guardians) run.link.send(g, { type: 'recovered', proof });
  }

  stop(): void {
    this.run?.link.stop();
  }

  private async received(from: DeviceId, m: RecoveryMessage): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.guardians.add(from);
    if (m.type === 'word') {
      const words = [...run.view.words.filter((w) => w.guardian !== m.guardian), { guardian: m.guardian, name: m.name, word: m.word }];
      // What guardians say of the branch is only shown, never trusted: the signed recovery is checked on its own.
      const refused = words.filter((w) => w.word === 'refused').length > m.guardians - m.threshold;
      const phase = run.view.phase !== 'waiting' ? run.view.phase : m.word === 'cancelled' ? 'cancelled' : refused ? 'refused' : 'waiting';
      return this.update({ words, phase, authority: run.view.authority ?? m.authority, threshold: m.threshold, guardianCount: m.guardians });
    }
    // A word can be anyone's who holds the code (a lone guardian's too): it never stops a signed recovery.
    if (m.type === 'done' && run.view.phase !== 'recovering' && run.view.phase !== 'recovered') return this.recover(m);
    if (m.type === 'secret' && run.view.phase === 'recovered') {
      if (this.host.membersOf(m.context).devices.get(this.host.requireIdentity().authorityId)?.has(this.host.key.deviceId)) return;
      await this.membership.joinContext(m.context, m.secret);
      await this.contacts.remember({ authority: m.contact, name: m.name }, m.context);
    }
  }

  /** Verifies the signed recovery against the tree its proof proves, then becomes the authority. */
  private async recover(m: Extract<RecoveryMessage, { type: 'done' }>): Promise<void> {
    const device = this.host.key.deviceId;
    const tree = provenTree(m.proof, m.authority);
    const head = tree?.head;
    const op = { type: 'Recover' as const, device, signers: m.signers, signature: m.signature };
    if (!head || !recoveryAttested(m.authority, head, op)) return this.host.countDrop('recover:BadRecovery');
    let facts: ValidatedFact[];
    try {
      facts = (proofFacts(m.proof) ?? []).map((b) => validateFact(b, { namespace: authorityNamespace(m.authority) }));
    } catch (e) {
      if (e instanceof AuraError || e instanceof DecodeError) return this.host.countDrop('recover:BadProof');
      throw e;
    }
    const genesis = facts[0];
    if (genesis?.fact.kind !== 'authority.genesis') return this.host.countDrop('recover:BadProof');
    this.update({ phase: 'recovering', authority: m.authority });
    const name = (genesis as ValidatedFact<'authority.genesis'>).fact.body.name ?? '';
    const recover = createFact(this.host.key, { ns: authorityNamespace(m.authority), kind: 'tree.op', author: m.authority, time: this.host.tick(), body: { parentEpoch: head.epoch, parentCommitment: head.commitment, op } });
    await this.become(m.authority, name, [...facts, recover]);
    this.run!.recoveredAt = this.host.deps.now();
    saveCodes(this.host, RECOVERING_META, []);
    this.update({ phase: 'recovered', name });
    this.tick();
  }

  private update(change: Partial<RecoveringView>): void {
    if (!this.run) return;
    this.run.view = { ...this.run.view, ...change };
    this.host.changed();
  }
}
