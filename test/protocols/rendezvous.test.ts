import { describe, expect, it } from 'vitest';
import { createOffer } from '../../src/core/rendezvous/offer.ts';
import type { Offer } from '../../src/core/rendezvous/offer.ts';
import type { RendezvousCode } from '../../src/core/rendezvous/code.ts';
import { MAX_RENDEZVOUS_PEERS, OFFER_INTERVAL_MS, RendezvousSession } from '../../src/protocols/rendezvous/rendezvous-session.ts';
import { deviceKey } from '../support/fixtures.ts';
import { seeded } from '../support/frost-group.ts';

const T0 = 1_800_000_000_000;
const code: RendezvousCode = { purpose: 'enroll', secret: new Uint8Array(32).fill(4), expires: T0 + 120_000 };

/** A topic bus with a manual clock: a publication reaches the sessions listening at that moment. */
function world() {
  let now = T0;
  const timers: { at: number; run: () => void }[] = [];
  const listeners = new Map<string, Set<RendezvousSession>>();
  const published: { topic: string; bytes: Uint8Array }[] = [];
  const make = (name: string, c: RendezvousCode = code) => {
    const found: Offer[] = [];
    const drops: string[] = [];
    const key = deviceKey(`rdv-${name}`);
    const s: RendezvousSession = new RendezvousSession({
      key,
      code: c,
      net: { publish: (topic, bytes) => (published.push({ topic, bytes }), [...(listeners.get(topic) ?? [])].filter((x) => x !== s).forEach((x) => x.receive(bytes))) },
      now: () => now,
      addrs: () => [`/memory/${name}`],
      random: seeded(`rdv-${name}`),
      setTimer: (ms, run) => void timers.push({ at: now + ms, run }),
      found: (o) => found.push(o),
      dropped: (r) => drops.push(r),
    });
    const join = () => (listeners.get(s.topic) ?? listeners.set(s.topic, new Set()).get(s.topic)!).add(s);
    return { s, key, found, drops, join };
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      timers.splice(timers.indexOf(next), 1);
      now = next.at;
      next.run();
    }
    now = until;
  };
  return { make, advance, published, now: () => now };
}

describe('rendezvous sessions', () => {
  it('two devices with one code find each other once, whoever starts first, and learn where to dial', () => {
    const w = world();
    const a = w.make('a');
    const b = w.make('b');
    a.join();
    a.s.start();
    w.advance(5_000);
    expect(a.found).toEqual([]);
    b.join();
    b.s.start();
    w.advance(OFFER_INTERVAL_MS * 3);
    expect(a.found.map((o) => [o.device, o.addrs])).toEqual([[b.key.deviceId, ['/memory/b']]]);
    expect(b.found.map((o) => [o.device, o.addrs])).toEqual([[a.key.deviceId, ['/memory/a']]]);
    expect([a.drops, b.drops]).toEqual([[], []]);
  });

  it('an offer made with another code, for another purpose, or replayed after expiry is a counted drop', () => {
    const w = world();
    const a = w.make('a');
    a.join();
    a.s.start();
    const stranger = deviceKey('rdv-stranger');
    a.s.receive(createOffer(stranger, new Uint8Array(32).fill(9), { purpose: 'enroll', addrs: [], expires: T0 + 1_000, nonce: new Uint8Array(16) }));
    a.s.receive(createOffer(stranger, code.secret, { purpose: 'invite', addrs: [], expires: T0 + 1_000, nonce: new Uint8Array(16) }));
    const old = createOffer(stranger, code.secret, { purpose: 'enroll', addrs: [], expires: T0 + 1_000, nonce: new Uint8Array(16) });
    w.advance(2_000);
    a.s.receive(old);
    a.s.receive(Uint8Array.of(1, 2, 3));
    expect(a.drops).toEqual(['rendezvous:WrongSecret', 'rendezvous:WrongPurpose', 'rendezvous:Expired', 'rendezvous:Malformed']);
    expect(a.found).toEqual([]);
  });

  it(`a flood of code holders is bounded: at most ${MAX_RENDEZVOUS_PEERS} devices, the rest counted`, () => {
    const w = world();
    const a = w.make('a');
    a.join();
    a.s.start();
    for (let k = 0; k < MAX_RENDEZVOUS_PEERS + 3; k++) {
      a.s.receive(createOffer(deviceKey(`rdv-flood-${k}`), code.secret, { purpose: 'enroll', addrs: [], expires: T0 + 30_000, nonce: new Uint8Array(16).fill(k) }));
    }
    expect(a.s.peers()).toHaveLength(MAX_RENDEZVOUS_PEERS);
    expect(a.drops).toEqual(Array(3).fill('rendezvous:TooManyPeers'));
  });

  it('stops flooding when the code expires or the session stops', () => {
    const w = world();
    const a = w.make('a', { ...code, expires: T0 + 5_000 });
    a.join();
    a.s.start();
    w.advance(60_000);
    const floods = w.published.length;
    // At 0, 250, 750, 1750 and 3750 ms (the interval doubles from 250 ms to 2 s); none from the expiry on.
    expect(floods).toBe(5);
    w.advance(60_000);
    expect(w.published.length).toBe(floods);
    const b = w.make('b', { ...code, expires: w.now() + 60_000 });
    b.s.start();
    b.s.stop();
    w.advance(60_000);
    expect(w.published.length).toBe(floods + 1);
  });
});
