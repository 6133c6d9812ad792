import { AuraError } from '../../core/errors.ts';
import { isKind, type ValidatedFact } from '../../core/facts/fact.ts';
import { keepLast } from '../../core/reduce/first-by-order.ts';
import { validateFact } from '../../core/facts/validate.ts';
import type { AuthorityId, DeviceId } from '../../core/ids.ts';
import type { NamesApi } from '../api.ts';

/**
 * Display names of authorities, from genesis facts: our own, and those that member bindings carry. A binding's
 * genesis is checked like any received fact (it is bytes a peer chose), so odd bytes there name nobody; they
 * never throw, so a hostile binding cannot stop a profile from opening. A 'profile.name' fact (in the
 * authority's journal or a shared context) overrides the genesis name: the latest by fact order wins, so every
 * reader holding the same facts shows the same name.
 */
export class Names implements NamesApi {
  private readonly byAuthority = new Map<AuthorityId, string>();
  private readonly renamed = new Map<AuthorityId, ValidatedFact<'profile.name'>>();

  constructor(readonly setDisplayName: (name: string) => Promise<void>) {}
  /** Whose device each device is, from admitted facts only (admission checked its proof for that authority). */
  private readonly authorityOfDevice = new Map<DeviceId, AuthorityId>();

  note(f: ValidatedFact): void {
    this.authorityOfDevice.set(f.fact.device, f.fact.author);
    if (isKind(f, 'profile.name')) keepLast(this.renamed, f.fact.author, f);
    else if (f.fact.kind === 'authority.genesis') {
      this.set(f.fact.author, (f.fact.body as { name?: string }).name);
    } else if (f.fact.kind === 'rel.binding' && !this.byAuthority.has(f.fact.author)) {
      const data = (f.fact.body as { data?: Uint8Array }).data;
      if (!data) return;
      try {
        const g = validateFact(data);
        if (g.fact.kind === 'authority.genesis' && g.fact.author === f.fact.author) this.set(g.fact.author, (g.fact.body as { name?: string }).name);
      } catch (e) {
        if (!(e instanceof AuraError)) throw e;
      }
    }
  }

  nameOf(authority: AuthorityId): string {
    return this.renamed.get(authority)?.fact.body.name ?? this.byAuthority.get(authority) ?? `…${authority.slice(-6)}`;
  }

  /** The name `authority` last stated by a 'profile.name' fact; null while it only has its genesis name. */
  statedName(authority: AuthorityId): string | null {
    return this.renamed.get(authority)?.fact.body.name ?? null;
  }

  /** A peer device's person, if any fact of it reached us; null for a device never seen writing. */
  ofDevice(device: DeviceId): string | null {
    const a = this.authorityOfDevice.get(device);
    return a === undefined ? null : this.nameOf(a);
  }

  private set(authority: AuthorityId, name: string | undefined): void {
    if (name) this.byAuthority.set(authority, name);
  }
}
