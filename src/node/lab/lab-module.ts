import type { DeviceId } from '../../core/ids.ts';
import { NodeError } from '../api.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { chaosPlan } from './chaos.ts';
import { convergedSince, convergence, type Convergence } from './convergence.ts';
import { LabBus } from './lab-bus.ts';
import { buildReport, type ReportSource } from './lab-report.ts';
import type { FaultsApi } from './faults-module.ts';
import type { ChaosRun, LabApi, LabFaults, LabFaultsCommand, LabHealCommand, LabReport, LabView } from './lab-types.ts';

/** How often a tab reports itself, and the least time between two reports caused by changes. */
const REPORT_MS = 1_000;
const THROTTLE_MS = 250;

export type LabNode = ReportSource & Pick<NodeHost, 'deps' | 'changed'> & { subscribe(listener: () => void): () => void };

/**
 * The lab (`node.lab`): this tab reports itself to every tab of this browser over `BroadcastChannel('aura-lab')`
 * (every second, and on change at most every 250 ms) and shows what the others report: links, fact digests per
 * context, message statuses, sync sessions, and whether all tabs have converged since when. Faults set from any
 * tab's lab are commands on the channel that the tab addressed applies to its own `node.faults`. Without a lab
 * channel in its deps (Node tests) the lab sees this tab only.
 */
export class LabModule implements NodeModule, LabApi {
  private bus: LabBus | null = null;
  private since: number | null = null;
  private run: ChaosRun | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopReporting: (() => void) | null = null;
  private lastPost = 0;
  private pending: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly node: LabNode,
    private readonly faults: () => FaultsApi | undefined,
  ) {}

  async restore(): Promise<void> {
    const open = this.node.deps.labChannel;
    if (!open) return;
    this.bus = new LabBus(open(), () => this.node.key.deviceId, this.node.deps.now, {
      command: (c) => this.apply(c),
      changed: () => this.refresh(),
      // A hidden tab's timers may be throttled to one a minute; a message event is not, so answering the
      // tabs that report keeps a background tab in every view.
      heard: () => {
        if (this.node.deps.now() - this.lastPost >= REPORT_MS) this.report();
      },
    });
    const every = setInterval(() => {
      this.bus?.expire();
      this.report();
    }, REPORT_MS);
    const unsubscribe = this.node.subscribe(() => this.schedule());
    this.stopReporting = () => {
      clearInterval(every);
      unsubscribe();
    };
    this.report();
  }

  async stop(): Promise<void> {
    this.stopReporting?.();
    this.cancelChaos();
    if (this.pending) clearTimeout(this.pending);
    this.bus?.close();
    this.bus = null;
  }

  view(): LabView {
    const tabs = this.tabs();
    const c = this.track(tabs);
    return { tabs, self: this.node.key.deviceId, converged: c.converged, diverged: c.diverged, since: this.since, dropped: this.bus?.dropped() ?? {}, chaos: this.run };
  }

  setFaults(device: DeviceId, patch: Partial<LabFaults>): void {
    if (device === this.node.key.deviceId) this.apply({ v: 1, type: 'faults', to: device, patch });
    else this.bus?.post({ v: 1, type: 'faults', to: device, patch });
  }

  healAll(): void {
    this.apply({ v: 1, type: 'heal' });
    this.bus?.post({ v: 1, type: 'heal' });
    this.node.changed(false);
  }

  chaos(seed: number, durationMs: number): void {
    this.cancelChaos();
    const now = this.node.deps.now();
    this.run = { seed, durationMs, endsAt: now + durationMs };
    for (const step of chaosPlan(seed, this.tabs().map((t) => t.device), durationMs)) this.later(step.atMs, () => this.setFaults(step.device, step.patch));
    this.later(durationMs, () => this.healAll());
    this.node.changed(false);
  }

  private tabs(): LabReport[] {
    const self = buildReport(this.node, this.faults());
    return [self, ...(this.bus?.reports() ?? [])];
  }

  private apply(c: LabFaultsCommand | LabHealCommand): void {
    if (c.type === 'heal') this.cancelChaos();
    try {
      if (c.type === 'heal') this.faults()?.heal();
      else this.faults()?.set(c.patch);
    } catch (e) {
      // A tab without a network (`Offline`) has no transport to fault: nothing to set, nothing to heal.
      if (!(e instanceof NodeError)) throw e;
    }
  }

  /** Other tabs changed: track convergence at once (its "since" must not wait for a view) and re-render. */
  private refresh(): void {
    this.view();
    this.node.changed(false);
  }

  private report(): void {
    if (!this.bus) return;
    this.lastPost = this.node.deps.now();
    const self = buildReport(this.node, this.faults());
    this.bus.post(self);
    this.track([self, ...this.bus.reports()]);
  }

  private track(tabs: readonly LabReport[]): Convergence {
    const c = convergence(tabs);
    this.since = convergedSince(this.since, c.converged, this.node.deps.now());
    return c;
  }

  /** A change of this tab: reported soon, but not more often than every THROTTLE_MS. */
  private schedule(): void {
    if (!this.bus || this.pending) return;
    const wait = Math.max(0, this.lastPost + THROTTLE_MS - this.node.deps.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      this.report();
    }, wait);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private cancelChaos(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.run = null;
  }
}
