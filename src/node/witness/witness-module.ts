import type { FrostKeyPackage } from '../../core/crypto/frost.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { loadGroupKeys } from './group-keys.ts';

const TICK_MS = 2_000;

/**
 * What a module taking part in witness groups shares: this device's key packages (restored from the store),
 * and a tick every 2 s while the node runs — for resends, timeouts and proposals that could not go out yet.
 */
export abstract class WitnessModule implements NodeModule {
  protected keys = new Map<string, FrostKeyPackage>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(protected readonly host: NodeHost) {}

  async restore(): Promise<void> {
    this.keys = await loadGroupKeys(this.host.deps.store);
  }

  start(): void {
    this.loop();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.stopped();
  }

  private loop(): void {
    if (this.host.closed) return;
    this.tick();
    this.timer = setTimeout(() => this.loop(), TICK_MS);
  }

  protected abstract tick(): void;
  /** The node stops: abort what runs. */
  protected abstract stopped(): void;
}
