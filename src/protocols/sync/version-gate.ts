import type { DeviceId } from '../../core/ids.ts';
import { BASELINE_VERSION, compareVersions, formatVersion, versionFromWire, versionToWire, type ProtocolVersion } from '../../core/version.ts';
import type { SyncFrame } from './frames.ts';
import type { SyncHost } from './sync-host.ts';

/**
 * Why a session did not run over protocol versions (spec 004 §4, past an upgrade's fence). `SelfOutdated`:
 * this device runs below what its account requires, so it runs no session; `PeerOutdated`: the peer
 * advertises a version below what we require; `VersionRefused`: the peer refused us over versions.
 */
export type VersionFailure = 'SelfOutdated' | 'PeerOutdated' | 'VersionRefused';

const VERSION_FAILURES: ReadonlySet<string> = new Set<VersionFailure>(['SelfOutdated', 'PeerOutdated', 'VersionRefused']);
export const isVersionFailure = (f: string | undefined): f is VersionFailure => f !== undefined && VERSION_FAILURES.has(f);

export interface VersionRefusal {
  readonly failure: VersionFailure;
  readonly error: string;
}

const below = (v: ProtocolVersion, need: ProtocolVersion | null): need is ProtocolVersion => need !== null && compareVersions(v, need) < 0;

/** What a peer claims in `open` or `ok`: an older build says nothing, which counts as the baseline. */
export const claimed = (f: { readonly ver?: readonly [number, number, number] }): ProtocolVersion => (f.ver && versionFromWire(f.ver)) || BASELINE_VERSION;

/** Our own gate, before any frame: a device below its account's required version runs no session. */
export function selfRefusal(host: SyncHost): VersionRefusal | null {
  const need = host.requiredVersion();
  const mine = host.version();
  return below(mine, need) ? { failure: 'SelfOutdated', error: `SelfOutdated: this device runs ${formatVersion(mine)}, its account requires ${formatVersion(need)}` } : null;
}

/**
 * The peer's claim against what we require. The claim is only a claim: a peer can say more than it runs,
 * but one that says less (or nothing) is refused, and we never speak an older protocol to anyone.
 */
export function peerRefusal(host: SyncHost, peer: DeviceId, theirs: ProtocolVersion): VersionRefusal | null {
  host.peerVersion(peer, theirs);
  const need = host.requiredVersion();
  return below(theirs, need) ? { failure: 'PeerOutdated', error: `PeerOutdated: the peer runs ${formatVersion(theirs)}, we require ${formatVersion(need)}` } : null;
}

/** The responder's refusal frame: our version and the least we require (we only refuse with one set). */
export function versionFrame(host: SyncHost): SyncFrame {
  return { t: 'version', ver: versionToWire(host.version()), need: versionToWire(host.requiredVersion() ?? host.version()) };
}

/** The initiator's reading of a `version` refusal: its claim is recorded; an outdated peer is our refusal too. */
export function refusedBy(host: SyncHost, peer: DeviceId, f: Extract<SyncFrame, { t: 'version' }>): VersionRefusal {
  return peerRefusal(host, peer, claimed(f)) ?? { failure: 'VersionRefused', error: `VersionRefused: the peer requires ${formatVersion(versionFromWire(f.need)!)}` };
}
