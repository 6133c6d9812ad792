import { NO_FAULTS, type LabFaults } from '../../net/faults.ts';
import { NodeError } from '../api.ts';
import type { NodeHost } from '../host/node-host.ts';

export type { LabFaults };

/** The lab's fault injection for this tab (`node.faults`). */
export interface FaultsApi {
  status(): LabFaults;
  /** Applies at once (links cut or dialled again now) and notifies subscribers. */
  set(patch: Partial<LabFaults>): void;
  /** Back to no faults: online, nothing blocked, no latency, no loss. */
  heal(): void;
}

/**
 * `node.faults`: offline, partitions, latency and loss of this tab, injected at its transport so every protocol
 * sees them (`src/net/faults.ts`). Per tab and never persisted: a reload heals.
 */
export class FaultsModule implements FaultsApi {
  constructor(private readonly host: Pick<NodeHost, 'deps' | 'changed'>) {}

  status(): LabFaults {
    return this.host.deps.transport?.labFaults() ?? NO_FAULTS;
  }

  set(patch: Partial<LabFaults>): void {
    const transport = this.host.deps.transport;
    if (!transport) throw new NodeError('Offline', 'This node has no network to inject faults into.');
    if (!wellFormed(patch)) throw new NodeError('InvalidInput', 'Faults are offline (boolean), blocked (device ids), latencyMs and loss (numbers).');
    transport.setFaults(patch);
    this.host.changed(false);
  }

  heal(): void {
    this.set(NO_FAULTS);
  }
}

/** Numbers are clamped to their range at the transport; anything of the wrong type is refused here. */
function wellFormed(p: Partial<LabFaults>): boolean {
  const num = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  return (
    (p.offline === undefined || typeof p.offline === 'boolean') &&
    (p.blocked === undefined || (Array.isArray(p.blocked) && p.blocked.every((d) => typeof d === 'string'))) &&
    num(p.latencyMs) &&
    num(p.loss)
  );
}
