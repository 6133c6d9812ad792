import type { DeviceId } from '../../core/ids.ts';
import type { LabFaults } from '../../net/faults.ts';

/**
 * The lab's wire shapes (`BroadcastChannel('aura-lab')`): what each tab of this browser says about itself, and
 * the commands one tab sends another. Structured-cloned between tabs of one origin; still input, so every one
 * is validated on arrival (`lab-validate.ts`).
 */

export type { LabFaults };
export { MAX_LATENCY_MS } from '../../net/faults.ts';

export type LabLinkTransport = 'direct' | 'relayed';

export interface LabContext {
  readonly context: string;
  /** The channel's name, when the context is a channel this tab shows. */
  readonly name: string | null;
  readonly facts: number;
  /** sha256 of the sorted ids of every fact held in the context (compacted messages included): exact convergence. */
  readonly digest: string;
}

export interface LabMessage {
  readonly channel: string;
  readonly id: string;
  readonly author: string;
  readonly text: string;
  readonly own: boolean;
  /** The node's OptimisticIndicator for it on this tab (the UI shows it for own messages only). */
  readonly status: string;
}

export interface LabSession {
  readonly peer: DeviceId;
  readonly context: string;
  /** `running`, `ok`, or the failure's cause. */
  readonly state: string;
  /** Progress of a running one (`3/10 facts`), what a finished one moved (`+2 in · 1 out`). */
  readonly detail: string;
}

export interface LabForwarded {
  readonly peer: DeviceId;
  readonly via: DeviceId;
  /** Messages from the peer accepted through a forwarder. */
  readonly received: number;
  /** `receipt.forward` facts this tab holds of chains from the peer to it through `via`. */
  readonly receipts: number;
}

export interface LabReport {
  readonly v: 1;
  readonly type: 'report';
  readonly device: DeviceId;
  readonly profile: string;
  readonly identity: { readonly authority: string; readonly name: string } | null;
  readonly relay: 'disconnected' | 'connecting' | 'connected';
  readonly links: readonly { readonly peer: DeviceId; readonly transport: LabLinkTransport }[];
  readonly faults: LabFaults;
  /** Peers this tab reaches only through a forwarding member now ("via …"); none once a direct link is back. */
  readonly forwarded: readonly LabForwarded[];
  readonly contexts: readonly LabContext[];
  readonly messages: readonly LabMessage[];
  readonly sessions: readonly LabSession[];
}

/** Set faults on one tab (`to`), applied by that tab to itself. */
export interface LabFaultsCommand {
  readonly v: 1;
  readonly type: 'faults';
  readonly to: DeviceId;
  readonly patch: Partial<LabFaults>;
}

/** Every tab heals. */
export interface LabHealCommand {
  readonly v: 1;
  readonly type: 'heal';
}

export type LabWire = LabReport | LabFaultsCommand | LabHealCommand;

/** A running chaos run, so every view can show its seed (to repeat it) and when it heals. */
export interface ChaosRun {
  readonly seed: number;
  readonly durationMs: number;
  readonly endsAt: number;
}

/** The lab as this tab sees it (`node.lab.view()`). */
export interface LabView {
  /** This tab first, then every other live tab by device id. */
  readonly tabs: readonly LabReport[];
  readonly self: DeviceId;
  /** Every live tab holds the same fact ids in every context two or more of them hold. */
  readonly converged: boolean;
  /** Contexts whose digests differ between tabs holding them. */
  readonly diverged: readonly string[];
  /** Since when (this tab's clock, ms) the tabs have been converged; null while they are not. */
  readonly since: number | null;
  /** Malformed lab messages from other tabs, dropped, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly chaos: ChaosRun | null;
}

export interface LabApi {
  view(): LabView;
  /** Sets faults on the tab with this device id (this one, or another through the channel). */
  setFaults(device: DeviceId, patch: Partial<LabFaults>): void;
  /** Every tab of this browser heals; a chaos run stops. */
  healAll(): void;
  /** Random faults on random tabs from a seeded PRNG for `durationMs`, then heal everything. */
  chaos(seed: number, durationMs: number): void;
}
