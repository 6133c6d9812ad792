import type { DeviceId } from '../../core/ids.ts';
import { prng } from '../../core/prng.ts';
import type { LabFaults } from './lab-types.ts';

/** One step of a chaos run: at `atMs` from its start, set `patch` on the tab `device`. */
export interface ChaosStep {
  readonly atMs: number;
  readonly device: DeviceId;
  readonly patch: Partial<LabFaults>;
}

/** Roughly one fault a second, at least one; each fault lasts until the next one on that tab or the final heal. */
const STEP_MS = 1_000;

/**
 * The faults of a chaos run over `devices` (sorted first, so the same seed and tabs give the same run whatever
 * order the tabs reported in): each step picks a tab and one fault — offline, a partition from another tab,
 * latency up to 2 s, or loss up to 50% — or heals that tab. The run's end (heal everything) is the caller's.
 */
export function chaosPlan(seed: number, devices: readonly DeviceId[], durationMs: number): ChaosStep[] {
  const tabs = [...devices].sort();
  if (tabs.length === 0) return [];
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const steps: ChaosStep[] = [];
  for (let at = 0; at < durationMs; at += STEP_MS) {
    const device = pick(tabs);
    const others = tabs.filter((d) => d !== device);
    const kind = pick(['offline', 'partition', 'latency', 'loss', 'heal'] as const);
    const patch: Partial<LabFaults> =
      kind === 'offline'
        ? { offline: true }
        : kind === 'partition' && others.length > 0
          ? { blocked: [pick(others)] }
          : kind === 'latency'
            ? { latencyMs: 100 * (1 + Math.floor(rnd() * 20)) }
            : kind === 'loss'
              ? { loss: 50 * (1 + Math.floor(rnd() * 10)) }
              : { offline: false, blocked: [], latencyMs: 0, loss: 0 };
    steps.push({ atMs: at, device, patch });
  }
  return steps;
}
