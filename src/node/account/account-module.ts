import { authorityNamespace, type AuthorityId, type DeviceId } from '../../core/ids.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import { summarize, type TreeStateSummary } from '../../core/reduce/tree/tree-state.ts';
import type { NodeHost } from '../host/node-host.ts';

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
}

/** The Account screen's data (spec 003 commitment tree): read from reduced state, never from the UI's guesses. */
export class AccountModule {
  constructor(private readonly host: NodeHost) {}

  account(): AccountView | null {
    return this.host.cached('account', () => {
      const me = this.host.identity();
      if (me === null) return null;
      const tree = this.host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
      const head = tree && currentTree(tree);
      if (!head) return null;
      const devices = head.leaves.flatMap((l) => (l === null ? [] : [{ deviceId: l.device, role: l.role, thisDevice: l.device === this.host.key.deviceId }]));
      return { authorityId: me.authorityId, displayName: me.displayName, summary: summarize(head), devices };
    });
  }
}
