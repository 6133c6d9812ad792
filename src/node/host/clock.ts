import { compareHlc, HLC_ZERO, hlcTick, isBeyondSkew, type Hlc } from '../../core/facts/hlc.ts';

/**
 * The node's hybrid logical clock. It orders local facts after every fact it has seen, but never adopts a
 * reading beyond now + the skew bound: a far-future fact waits in the pending set instead, so one signed
 * timestamp cannot push our clock to where peers would refuse our facts.
 */
export class NodeClock {
  private reading: Hlc = HLC_ZERO;

  constructor(private readonly now: () => number) {}

  /** A fact's time seen here (stored or admitted); ignored when beyond the bound. */
  observe(time: Hlc): void {
    if (compareHlc(time, this.reading) > 0 && !isBeyondSkew(time, this.now())) this.reading = time;
  }

  tick(): Hlc {
    this.reading = hlcTick(this.reading, this.now());
    return this.reading;
  }
}
