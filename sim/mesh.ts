import { pick, shuffled } from './clock.ts';

/**
 * A gossipsub-like mesh: every node grafts up to `d` peers of the topic, links symmetric (a GRAFT is). Built by
 * pairing d stubs per node at random, then topping up nodes left below d with peers that still have room —
 * the shape gossipsub's heartbeat maintains (it keeps each mesh between D_lo and D_hi around D).
 */
export function buildMesh(ids: readonly string[], d: number, rnd: () => number): Map<string, string[]> {
  const peers = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  const link = (a: string, b: string) => {
    if (a === b || peers.get(a)!.has(b)) return false;
    peers.get(a)!.add(b);
    peers.get(b)!.add(a);
    return true;
  };
  const stubs = shuffled(
    rnd,
    ids.flatMap((id) => Array.from({ length: d }, () => id)),
  );
  for (let k = 0; k + 1 < stubs.length; k += 2) link(stubs[k]!, stubs[k + 1]!);
  for (const id of ids) {
    for (let tries = 0; peers.get(id)!.size < d && tries < 10 * d; tries++) {
      const other = ids[pick(rnd, ids.length)]!;
      if (peers.get(other)!.size < d + 2) link(id, other);
    }
  }
  return new Map(ids.map((id) => [id, [...peers.get(id)!].sort()]));
}

export function degreeStats(mesh: ReadonlyMap<string, readonly string[]>): { min: number; max: number; mean: number } {
  const ds = [...mesh.values()].map((p) => p.length);
  return { min: Math.min(...ds), max: Math.max(...ds), mean: Math.round((ds.reduce((a, b) => a + b, 0) / ds.length) * 100) / 100 };
}

export const nodeIds = (n: number): string[] => Array.from({ length: n }, (_, k) => `n${String(k).padStart(4, '0')}`);
