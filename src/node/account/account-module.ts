import { authorityNamespace, type AuthorityId, type DeviceId } from '../../core/ids.ts';
import { thisDeviceRemoved as removedDevice } from '../membership/removed.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import { summarize, type TreeStateSummary } from '../../core/reduce/tree/tree-state.ts';
import type { NodeHost } from '../host/node-host.ts';
import { createGenesis } from '../../core/facts/genesis.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { NodeError, type DeviceInfo, type Identity } from '../api.ts';

/** One device of this authority, as its commitment tree lists it. */
export interface AccountDevice {
  readonly deviceId: DeviceId;
  readonly role: 'device' | 'guardian';
  /** The device this tab runs as. */
  readonly thisDevice: boolean;
}

/** This authority as its own journal reduces it: who it is, its TreeStateSummary and its devices. */
export interface AccountView {
  readonly authorityId: AuthorityId;
  readonly displayName: string;
  readonly summary: TreeStateSummary;
  /** In leaf order. */
  readonly devices: readonly AccountDevice[];
  /** This device was one of the account's and was removed: it can read what it has, never write. */
  readonly thisDeviceRemoved: boolean;
}

/** The Account screen's data (spec 003 commitment tree): read from reduced state, never from the UI's guesses. */
export class AccountModule {
  constructor(private readonly host: NodeHost & { becomeIdentity(authority: AuthorityId, displayName: string, facts: readonly ValidatedFact[]): Promise<void> }) {}

  /** A new authority whose first device is this one: its genesis, committed with the identity. */
  async createIdentity(displayName: string): Promise<Identity> {
    this.host.assertOpen();
    const name = displayName.trim();
    if (name.length < 1 || name.length > 64) throw new NodeError('InvalidInput', 'A display name has 1 to 64 characters.');
    if (this.host.identity()) throw new NodeError('IdentityExists', 'This device already has an identity.');
    const genesis = createGenesis(this.host.key, this.host.deps.random(16), this.host.tick(), name);
    // Authority writes are local: nothing is sent, so there is no budget to charge; the commit is still atomic.
    await this.host.becomeIdentity(genesis.fact.author, name, [genesis]);
    return { authorityId: genesis.fact.author, deviceId: this.host.key.deviceId, displayName: name };
  }

  account(): AccountView | null {
    return this.host.cached('account', () => {
      const me = this.host.identity();
      if (me === null) return null;
      const tree = this.host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
      const head = tree && currentTree(tree);
      if (!head) return null;
      const devices = head.leaves.flatMap((l) => (l === null ? [] : [{ deviceId: l.device, role: l.role, thisDevice: l.device === this.host.key.deviceId }]));
      const thisDeviceRemoved = removedDevice(this.host);
      return { authorityId: me.authorityId, displayName: me.displayName, summary: summarize(head), devices, thisDeviceRemoved };
    });
  }

  /** This device: its profile, ids, name, how many facts it holds, and its storage use. */
  async deviceInfo(): Promise<DeviceInfo> {
    const me = this.host.identity();
    return {
      profile: this.host.deps.profile,
      deviceId: this.host.key.deviceId,
      authorityId: me?.authorityId ?? null,
      displayName: me?.displayName ?? null,
      factCount: this.host.journals.factCount(),
      storage: await this.host.deps.store.estimate(),
    };
  }
}
