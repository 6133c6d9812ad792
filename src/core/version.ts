import { compareNumbers } from './compare.ts';
import type { ProtocolVersion } from './facts/kinds/maintenance.ts';
import { MAX_VERSION_PART } from './limits.ts';

export type { ProtocolVersion };

/**
 * The protocol this build speaks (spec 004 §4). Devices advertise it where peers meet (the sync session's
 * opening frames); an activated upgrade past its fence refuses sessions with any device below it. A lab
 * build may run as an older version (`?protocol=`, `src/node/network-config.ts`) to show the fence at work.
 */
export const PROTOCOL_VERSION: ProtocolVersion = { major: 1, minor: 2, patch: 0 };

/**
 * What a peer that advertises nothing runs: the builds before advertisement existed. Counting silence as
 * the oldest version means a peer cannot dodge a fence by leaving its claim out.
 */
export const BASELINE_VERSION: ProtocolVersion = { major: 1, minor: 0, patch: 0 };

export function compareVersions(a: ProtocolVersion, b: ProtocolVersion): number {
  return compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch);
}

export const formatVersion = (v: ProtocolVersion): string => `${v.major}.${v.minor}.${v.patch}`;

const isPart = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_VERSION_PART;

/** `major.minor.patch` with parts in 0..MAX_VERSION_PART, or null (never throws on what a URL or a peer sends). */
export function parseVersion(text: string): ProtocolVersion | null {
  const m = /^(\d{1,5})\.(\d{1,5})\.(\d{1,5})$/.exec(text);
  if (m === null) return null;
  const [major, minor, patch] = [Number(m[1]!), Number(m[2]!), Number(m[3]!)];
  return isPart(major) && isPart(minor) && isPart(patch) ? { major, minor, patch } : null;
}

/** A version as it travels in a frame: `[major, minor, patch]`; null if the value is anything else. */
export function versionFromWire(v: unknown): ProtocolVersion | null {
  if (!Array.isArray(v) || v.length !== 3 || !v.every(isPart)) return null;
  const [major, minor, patch] = v as [number, number, number];
  return { major, minor, patch };
}

export const versionToWire = (v: ProtocolVersion): [number, number, number] => [v.major, v.minor, v.patch];
