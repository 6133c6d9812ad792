import { equalBytes } from '@noble/curves/utils.js';
import { AuraError } from '../../core/errors.ts';
import type { ContextId } from '../../core/ids.ts';
import { INVITATION_ABORTS, startInvitation, stepInvitation, type InvitationCeremony, type InvitationEvent, type Person } from '../../core/rendezvous/invitation.ts';
import { openInvitation, sealAnswer, type InvitationContent } from '../../core/rendezvous/invitation-package.ts';
import { confirmPackage, isConfirmationOf } from '../../core/rendezvous/receipt.ts';
import { ceremonyIdOf, CeremonyRun } from './ceremony-run.ts';
import type { InvitationRunDeps } from './invitation-initiator.ts';

export interface InviteeHooks {
  /** This device's proof (`encodeDeviceProof`), sent with the accept: who accepted. */
  proof(): Uint8Array;
  /** Holds the pairwise context's secret (durable, its topic joined): the inviter's binding arrives through it. */
  hold(context: ContextId, secret: Uint8Array): Promise<void>;
  /** Whether `inviter` has joined `context` (its member binding is in): the inviter committed. */
  joined(context: ContextId, inviter: Person): boolean;
  /** Writes our binding into the context and records the contact. */
  finish(context: ContextId, secret: Uint8Array, inviter: Person): Promise<void>;
}

/**
 * The invitee's side: meet the code's other holder, open the invitation it seals to our key (refused typed and
 * counted unless it opens and its proof names the device met), send a receipt, and wait for the person:
 * `accept()` holds the context's secret and answers with our proof; `decline()` answers no. After the accept,
 * the inviter's binding in the context is the commit; only then do we join it.
 */
export class InvitationJoiner extends CeremonyRun<InvitationCeremony, InvitationEvent> {
  private pkg: Uint8Array | null = null;
  private content: InvitationContent | null = null;
  /** What we repeat until the inviter moves on: the receipt, then the answer. */
  private reply: Uint8Array | null = null;
  private finishing = false;
  /** The person answered (accept or decline): a second click changes nothing. */
  private answered = false;

  constructor(
    deps: InvitationRunDeps,
    private readonly hooks: InviteeHooks,
  ) {
    super(deps, startInvitation(ceremonyIdOf(deps.code), 'invitee', null, deps.code.expires), stepInvitation, 'invite');
  }

  /** The person accepts (only once shown who invites): hold the secret, then answer with who we are. */
  async accept(): Promise<void> {
    const { content, pkg } = this;
    const peer = this.ceremony.peer;
    if (content === null || pkg === null || peer === null || !this.ceremony.presented || this.answered || this.finished) return;
    this.answered = true;
    try {
      await this.hooks.hold(content.context, content.secret);
    } catch (e) {
      return this.step({ type: 'failed', reason: `could not keep the contact's key: ${(e as Error).message}`, at: this.deps.now() });
    }
    this.answer(peer, pkg, { accept: true, proof: this.hooks.proof() });
    this.step({ type: 'accepted', invitee: null, at: this.deps.now() });
    this.inviterChanged();
  }

  /** The person declines: say so (once: the inviter otherwise times out) and end here. */
  decline(): void {
    const peer = this.ceremony.peer;
    if (this.pkg === null || peer === null || !this.ceremony.presented || this.answered || this.finished) return;
    this.answered = true;
    this.answer(peer, this.pkg, { accept: false });
    this.step({ type: 'declined', at: this.deps.now() });
  }

  /** The pairwise context changed: the inviter's binding may have arrived. */
  inviterChanged(): void {
    const { content, ceremony: c } = this;
    if (content === null || this.finishing || c.state.type !== 'PendingEpoch' || c.state.receivedResponses === 0) return;
    if (!this.hooks.joined(content.context, c.other!)) return;
    this.finishing = true;
    this.step({ type: 'committing' });
    void this.hooks.finish(content.context, content.secret, c.other!).then(
      () => this.step({ type: 'committed', context: content.context, at: this.deps.now() }),
      (e: unknown) => this.step({ type: 'failed', reason: `could not join the contact: ${(e as Error).message}`, at: this.deps.now() }),
    );
  }

  protected advance(): void {}

  protected resend(): void {
    if (this.reply !== null && !this.finished) this.publish(this.confirmationsTopic, this.reply);
    this.inviterChanged();
  }

  protected onPackage(bytes: Uint8Array): void {
    const peer = this.ceremony.peer;
    if (peer === null || this.finished) return;
    if (this.pkg !== null) {
      // The same package again: our reply was missed.
      if (equalBytes(bytes, this.pkg) && this.reply !== null) this.publish(this.confirmationsTopic, this.reply);
      // The inviter withdrew exactly this invitation (before it heard an accept: after that it is committing).
      else if (isConfirmationOf('withdraw', bytes, this.deps.key.deviceId, peer, this.pkg)) this.step({ type: 'abort', reason: INVITATION_ABORTS.withdrawn, at: this.deps.now() });
      return;
    }
    let opened: ReturnType<typeof openInvitation>;
    try {
      opened = openInvitation(this.deps.key, this.deps.code.secret, bytes);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      return this.deps.dropped(`invite:${e.code}`);
    }
    if (opened.from !== peer) return this.deps.dropped('invite:NotFromPeer');
    this.pkg = bytes;
    this.content = opened.content;
    this.reply = confirmPackage('invite', this.deps.key, peer, bytes);
    this.publish(this.confirmationsTopic, this.reply);
    this.step({ type: 'presented', inviter: opened.inviter, at: this.deps.now() });
  }

  protected onConfirmation(): void {}

  private answer(peer: string, pkg: Uint8Array, answer: Parameters<typeof sealAnswer>[4]): void {
    this.reply = sealAnswer(this.deps.key, peer, this.deps.code.secret, pkg, answer, this.deps.random);
    this.publish(this.confirmationsTopic, this.reply);
  }
}
