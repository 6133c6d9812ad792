import { equalBytes } from '@noble/curves/utils.js';
import { AuraError } from '../../core/errors.ts';
import type { AuthorityId, Epoch, FactId } from '../../core/ids.ts';
import { startEnrollment, stepEnrollment, type EnrollmentCeremony, type EnrollmentEvent } from '../../core/rendezvous/enrollment.ts';
import { openPackage, type EnrollmentContent } from '../../core/rendezvous/enrollment-package.ts';
import { confirmPackage } from '../../core/rendezvous/receipt.ts';
import { ceremonyIdOf, CeremonyRun, type CeremonyRunDeps } from './ceremony-run.ts';

/** Either side of an enrollment, as the devices module runs it. */
export type EnrollmentRun = CeremonyRun<EnrollmentCeremony, EnrollmentEvent>;
export type EnrollmentRunDeps = CeremonyRunDeps<EnrollmentCeremony>;

export interface JoinerHooks {
  /** Holds the authority journal's secret (its devices' topic): the tree op adding us arrives through it. */
  adopt(content: EnrollmentContent): Promise<void>;
  /** The tree op that made this device a leaf of `authority`'s tree head, once there is one. */
  committedLeaf(authority: AuthorityId): { readonly treeOp: FactId; readonly epoch: Epoch } | null;
  /** Becomes the authority on this device: identity, every context secret, member bindings. */
  finish(content: EnrollmentContent): Promise<void>;
}

/**
 * The new device's side: meet the code's other holder, open the package it seals to our key (refused typed
 * and counted when it is not from that device or does not open), hold the authority journal's secret, confirm,
 * and wait for the AddLeaf naming us in the authority's tree before becoming the authority here.
 */
export class EnrollmentJoiner extends CeremonyRun<EnrollmentCeremony, EnrollmentEvent> {
  private pkg: Uint8Array | null = null;
  private content: EnrollmentContent | null = null;
  private confirmation: Uint8Array | null = null;
  private finishing = false;

  constructor(
    deps: EnrollmentRunDeps,
    private readonly hooks: JoinerHooks,
  ) {
    super(deps, startEnrollment(ceremonyIdOf(deps.code), 'joiner', null, deps.code.expires, null), stepEnrollment, 'enroll');
  }

  /** The authority's journal changed: the AddLeaf may have arrived. */
  treeChanged(): void {
    const content = this.content;
    if (content === null || this.finishing || this.ceremony.state.type !== 'PendingEpoch') return;
    const leaf = this.hooks.committedLeaf(content.authority);
    if (leaf === null) return;
    this.finishing = true;
    this.step({ type: 'committing' });
    void this.hooks.finish(content).then(
      () => this.step({ type: 'committed', ...leaf, at: this.deps.now() }),
      (e: unknown) => this.step({ type: 'failed', reason: `could not become the authority here: ${(e as Error).message}`, at: this.deps.now() }),
    );
  }

  protected advance(): void {}

  protected resend(): void {
    if (this.confirmation !== null && !this.finished) this.publish(this.confirmationsTopic, this.confirmation);
    this.treeChanged();
  }

  protected onPackage(bytes: Uint8Array): void {
    const peer = this.ceremony.peer;
    if (peer === null || this.finished) return;
    if (this.pkg !== null) {
      // The same package again: our confirmation was missed.
      if (equalBytes(bytes, this.pkg) && this.confirmation) this.publish(this.confirmationsTopic, this.confirmation);
      return;
    }
    let opened: ReturnType<typeof openPackage>;
    try {
      opened = openPackage(this.deps.key, this.deps.code.secret, bytes);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      return this.deps.dropped(`enroll:${e.code}`);
    }
    if (opened.from !== peer) return this.deps.dropped('enroll:NotFromPeer');
    this.pkg = bytes;
    void this.accept(peer, opened.content);
  }

  protected onConfirmation(): void {}

  private async accept(peer: string, content: EnrollmentContent): Promise<void> {
    try {
      await this.hooks.adopt(content);
    } catch (e) {
      return this.step({ type: 'failed', reason: `could not keep the account key: ${(e as Error).message}`, at: this.deps.now() });
    }
    this.content = content;
    this.confirmation = confirmPackage('enroll', this.deps.key, peer, this.pkg!);
    this.publish(this.confirmationsTopic, this.confirmation);
    this.step({ type: 'responded', authority: content.authority, epoch: content.epoch });
    this.treeChanged();
  }
}
