import { describe, expect, it } from 'vitest';
import type { DeviceId } from '../../src/core/ids.ts';
import { serveSync } from '../../src/protocols/sync/session.ts';
import type { SyncNet } from '../../src/protocols/sync/sync-net.ts';
import { SyncService } from '../../src/protocols/sync/sync-service.ts';
import { facts, Journal, MemoryLinks } from './journal-host.ts';

const A = 'peer-a' as DeviceId; // the lower DeviceId: opens at first contact
const B = 'peer-b' as DeviceId;
const GRACE = 150;

/** A service over the links whose connection events the test fires, as a transport would on both sides. */
function service(links: MemoryLinks, self: DeviceId, peer: DeviceId, journal: Journal) {
  let connected: (p: DeviceId) => void = () => undefined;
  const net: SyncNet = { ...links.net(self, [peer]), onPeerConnected: (h) => void (connected = h) };
  const s = new SyncService(journal, net, { now: Date.now, random: () => 0, self, firstContactGraceMs: GRACE }, () => undefined, () => undefined);
  return { s, connect: () => connected(peer) };
}

/** A peer that only ever serves: it never opens a session of its own (lost, slow, or hostile). */
function serveOnly(links: MemoryLinks, self: DeviceId, peer: DeviceId, journal: Journal): void {
  links.net(self, [peer]).onSyncChannel((ch, from) => void serveSync(journal, ch, from));
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one sync session per pair of peers at first contact', () => {
  it('two peers learning of each other at once run exactly one session for the context, and converge', async () => {
    const links = new MemoryLinks();
    const [ja, jb] = [new Journal([...facts(0, 300), ...facts(1_000, 40)]), new Journal([...facts(0, 300), ...facts(2_000, 60)])];
    const a = service(links, A, B, ja);
    const b = service(links, B, A, jb);
    a.connect();
    b.connect();
    await settle(GRACE * 3);
    expect(links.opened).toBe(1);
    expect(ja.ids()).toEqual(jb.ids());
    expect(ja.ids()).toHaveLength(400);
    a.s.stop();
    b.s.stop();
  });

  it('the same, whichever side learns of the contact first', async () => {
    const links = new MemoryLinks();
    const [ja, jb] = [new Journal(facts(0, 10)), new Journal(facts(500, 10))];
    const a = service(links, A, B, ja);
    const b = service(links, B, A, jb);
    b.connect();
    await settle(GRACE / 3);
    a.connect();
    await settle(GRACE * 3);
    expect(links.opened).toBe(1);
    expect(ja.ids()).toEqual(jb.ids());
    a.s.stop();
    b.s.stop();
  });

  it('if the designated peer never opens, the other opens after the grace, and they converge', async () => {
    const links = new MemoryLinks();
    const [ja, jb] = [new Journal(facts(0, 20)), new Journal(facts(500, 30))];
    serveOnly(links, A, B, ja);
    const b = service(links, B, A, jb);
    b.connect();
    expect(links.opened).toBe(0); // B waits for A's session first
    await settle(GRACE * 3);
    expect(links.opened).toBe(1);
    expect(ja.ids()).toEqual(jb.ids());
    b.s.stop();
  });

  it('a session the designated peer opens but spoils does not count: the other still opens its own', async () => {
    const links = new MemoryLinks();
    const [ja, jb] = [new Journal(facts(0, 20)), new Journal(facts(500, 30))];
    serveOnly(links, A, B, ja);
    const b = service(links, B, A, jb);
    b.connect();
    const spoiled = links.open(A, B);
    await spoiled.send(Uint8Array.of(0xff));
    await settle(GRACE * 3);
    expect(links.opened).toBe(2);
    expect(ja.ids()).toEqual(jb.ids());
    b.s.stop();
  });
});
