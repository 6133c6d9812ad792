import type { DeviceId } from '../../core/ids.ts';
import type { LabFaultsCommand, LabHealCommand, LabReport, LabWire } from './lab-types.ts';
import { parseLabWire } from './lab-validate.ts';

/** The BroadcastChannel every tab of this origin shares for the lab. */
export const LAB_CHANNEL = 'aura-lab';
/** A tab reports every second; one silent this long is gone (closed, or frozen in the background). */
export const STALE_MS = 4_000;

/** What the bus needs of a BroadcastChannel (the browser's, or Node's in unit tests). */
export interface LabPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror', listener: (e: MessageEvent) => void): void;
  close(): void;
}

export interface LabBusHandlers {
  /** A command for this tab (faults addressed to it, or heal). */
  command(c: LabFaultsCommand | LabHealCommand): void;
  /** The set of live tabs, a report, or the drop counts changed. */
  changed(): void;
  /** Another tab reported (changed or not). */
  heard(): void;
}

interface Heard {
  readonly report: LabReport;
  /** Our own clock when it arrived: liveness never trusts another tab's clock. */
  readonly seen: number;
  /** Its content, to tell a report that changed something from the periodic repeat. */
  readonly key: string;
}

/**
 * The lab's protocol over one BroadcastChannel: this tab's reports and commands out; other tabs' in, each
 * validated (a malformed one is counted by reason and dropped), reports kept while their tab keeps reporting.
 */
export class LabBus {
  private readonly heard = new Map<DeviceId, Heard>();
  private readonly drops: Record<string, number> = {};

  constructor(
    private readonly port: LabPort,
    private readonly self: () => DeviceId,
    private readonly now: () => number,
    private readonly on: LabBusHandlers,
  ) {
    port.addEventListener('message', (e) => this.receive(e.data));
    port.addEventListener('messageerror', () => this.drop('clone'));
  }

  post(message: LabWire): void {
    this.port.postMessage(message);
  }

  /** Other live tabs' reports, by device id. */
  reports(): LabReport[] {
    return [...this.heard.values()].map((h) => h.report).sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  }

  dropped(): Readonly<Record<string, number>> {
    return { ...this.drops };
  }

  /** Forgets tabs silent for STALE_MS; tells `changed` if any went. */
  expire(): void {
    const cutoff = this.now() - STALE_MS;
    let gone = false;
    for (const [d, h] of this.heard) {
      if (h.seen >= cutoff) continue;
      this.heard.delete(d);
      gone = true;
    }
    if (gone) this.on.changed();
  }

  close(): void {
    this.port.close();
    this.heard.clear();
  }

  private receive(data: unknown): void {
    const parsed = parseLabWire(data);
    if (!parsed.ok) return this.drop(parsed.reason);
    const m = parsed.value;
    if (m.type === 'heal') return this.on.command(m);
    if (m.type === 'faults') {
      if (m.to === this.self()) this.on.command(m);
      return;
    }
    // Another tab claiming this tab's device id is not a tab of ours to show.
    if (m.device === this.self()) return this.drop('self');
    const key = JSON.stringify(m);
    const known = this.heard.get(m.device);
    this.heard.set(m.device, { report: m, seen: this.now(), key });
    if (known?.key !== key) this.on.changed();
    this.on.heard();
  }

  private drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.on.changed();
  }
}
