/** Points (virtual ms, fraction of nodes holding every fact), in time order; fractions rounded to 1e-4. */
export type Curve = [number, number][];

/** Records a convergence curve: the fraction after each change, one point per instant (the last wins). */
export class Convergence {
  private readonly points: Curve = [];

  record(now: number, holding: number, total: number): void {
    const frac = Math.round((holding / total) * 10_000) / 10_000;
    const last = this.points[this.points.length - 1];
    if (last && last[0] === now) last[1] = frac;
    else if (!last || last[1] !== frac) this.points.push([now, frac]);
  }

  curve(): Curve {
    return this.points.map(([t, f]) => [t, f]);
  }
}
