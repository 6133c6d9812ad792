import { authorityNamespace, namespaceKind } from '../../core/ids.ts';
import { revocations } from '../../core/reduce/membership.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import { activeDevices } from '../../core/reduce/tree/tree-state.ts';
import type { NodeHost } from '../host/node-host.ts';

/**
 * Whether this device's authority removed it: its own tree says so, or the member bindings of any context it
 * holds prove it — how a device its guardians replaced learns it (no sibling syncs it the authority journal
 * any more). Once known anywhere, it writes nowhere. Cached until the reduced data next changes.
 */
export function thisDeviceRemoved(host: NodeHost): boolean {
  return host.cached('this-device-removed', () => {
    const me = host.identity();
    if (!me) return false;
    const device = host.key.deviceId;
    const own = host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
    const head = own && currentTree(own);
    if (head && own.devices.has(device) && !activeDevices(head).includes(device)) return true;
    return host.journals.namespaces().some((ns) => namespaceKind(ns) === 'context' && revocations(host.journals.get(ns)!.state).get(me.authorityId)?.has(device) === true);
  });
}
