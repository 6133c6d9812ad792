import type { DeviceId, Epoch, FactId } from '../../core/ids.ts';
import { ENROLLMENT_CODE_TTL_MS, startEnrollment, stepEnrollment, type EnrollmentCeremony, type EnrollmentEvent } from '../../core/rendezvous/enrollment.ts';
import { encodeRendezvousCode } from '../../core/rendezvous/code.ts';
import { sealPackage, type EnrollmentContent } from '../../core/rendezvous/enrollment-package.ts';
import { isConfirmationOf } from '../../core/rendezvous/receipt.ts';
import { ceremonyIdOf, CeremonyRun, type CeremonyRunDeps } from './ceremony-run.ts';

export interface InitiatorHooks {
  /** The authority, its tree epoch and the secrets to hand to the new device. */
  content(): EnrollmentContent;
  /** Writes the AddLeaf of `device` (t = 1: signed by this device); resolves once it is durable and applied. */
  admit(device: DeviceId): Promise<{ readonly treeOp: FactId; readonly epoch: Epoch }>;
}

/**
 * The existing device's side (DESIGN §2, §7): show a code; on meeting the new device, seal the authority's
 * secrets to its key and send them until it confirms, signed, that it opened exactly that package; only
 * then write the AddLeaf. A device that never confirms is never added; a second device on the code aborts.
 */
export class EnrollmentInitiator extends CeremonyRun<EnrollmentCeremony, EnrollmentEvent> {
  private pkg: Uint8Array | null = null;

  constructor(
    deps: Omit<CeremonyRunDeps<EnrollmentCeremony>, 'code'> & { readonly displayName: string },
    private readonly hooks: InitiatorHooks,
  ) {
    const code = { purpose: 'enroll' as const, secret: deps.random(32), expires: deps.now() + ENROLLMENT_CODE_TTL_MS, from: deps.displayName };
    super({ ...deps, code }, startEnrollment(ceremonyIdOf(code), 'initiator', encodeRendezvousCode(code), code.expires, hooks.content().authority), stepEnrollment, 'enroll');
  }

  protected advance(): void {
    const c = this.ceremony;
    if (c.state.type === 'PendingEpoch' && c.state.receivedResponses === 0 && c.peer !== null && this.pkg === null) {
      this.pkg = sealPackage(this.deps.key, c.peer, this.deps.code.secret, this.hooks.content(), this.deps.random);
      this.resend();
    }
    if (c.state.type === 'Committing') void this.commit(c.peer!);
  }

  protected resend(): void {
    const s = this.ceremony.state;
    if (this.pkg !== null && s.type === 'PendingEpoch' && s.receivedResponses === 0) this.publish(this.packagesTopic, this.pkg);
  }

  /** Packages are ours to send, not to receive. */
  protected onPackage(): void {}

  protected onConfirmation(bytes: Uint8Array): void {
    const { peer, authority, state } = this.ceremony;
    if (this.pkg === null || peer === null || state.type !== 'PendingEpoch') return;
    if (!isConfirmationOf('enroll', bytes, this.deps.key.deviceId, peer, this.pkg)) return this.deps.dropped('enroll:BadConfirmation');
    this.step({ type: 'responded', authority: authority!, epoch: state.pendingEpoch });
    this.step({ type: 'committing' });
  }

  private async commit(device: DeviceId): Promise<void> {
    try {
      const { treeOp, epoch } = await this.hooks.admit(device);
      this.step({ type: 'committed', treeOp, epoch, at: this.deps.now() });
    } catch (e) {
      this.step({ type: 'failed', reason: `could not add the device: ${(e as Error).message}`, at: this.deps.now() });
    }
  }
}
