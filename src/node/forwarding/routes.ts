import { compareStrings } from '../../core/compare.ts';
import type { ContextId, DeviceId, Epoch } from '../../core/ids.ts';
import type { LinkNote } from '../../core/forwarding/link-note.ts';

/**
 * What each member device said it is linked to, per context (its newest verified link note): from these a
 * device picks, for a member it has no direct link to, a connected member linked to both.
 */
export class Routes {
  private readonly notes = new Map<ContextId, Map<DeviceId, LinkNote>>();

  /** Keeps a verified note unless a newer one of the same device is held. */
  note(n: LinkNote): void {
    let byDevice = this.notes.get(n.ctx);
    if (!byDevice) this.notes.set(n.ctx, (byDevice = new Map()));
    const held = byDevice.get(n.device);
    if (!held || held.epoch <= n.epoch) byDevice.set(n.device, n);
  }

  /**
   * The forwarder to `peer` in `ctx`: among the devices we are linked to whose note (of this epoch or the last)
   * lists `peer`, the lowest DeviceId, so both ends of a pair tend to pick the same one.
   */
  via(ctx: ContextId, peer: DeviceId, connected: ReadonlySet<DeviceId>, epoch: Epoch): DeviceId | undefined {
    if (connected.has(peer)) return undefined;
    const candidates: DeviceId[] = [];
    for (const [device, n] of this.notes.get(ctx) ?? []) {
      if (device !== peer && connected.has(device) && n.epoch >= epoch - 1 && n.links.includes(peer)) candidates.push(device);
    }
    return candidates.sort(compareStrings)[0];
  }

  /** Every device some note of `ctx` lists: those worth asking `via` about. */
  listed(ctx: ContextId): Set<DeviceId> {
    const out = new Set<DeviceId>();
    for (const n of this.notes.get(ctx)?.values() ?? []) for (const d of n.links) out.add(d);
    return out;
  }
}
