import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, versionToWire } from '../../src/core/version.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { DeviceId } from '../../src/core/ids.ts';
import { memoryChannelPair } from '../../src/net/memory-frames.ts';
import { decodeFrame, encodeFrame } from '../../src/protocols/sync/frames.ts';
import { initiateSync, serveSync } from '../../src/protocols/sync/session.ts';
import { CONTEXT, facts, Journal, TOPIC } from './journal-host.ts';

const A = 'device-new' as DeviceId;
const B = 'device-old' as DeviceId;
const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch });

/** A runs 1.2.0, B runs 1.0.0; each holds facts the other lacks. */
function pair() {
  const a = new Journal(facts(0, 5));
  const b = new Journal(facts(3, 5));
  a.runs = v(1, 1);
  b.runs = v(1, 0);
  return { a, b };
}

async function session(init: Journal, serve: Journal, initId: DeviceId, serveId: DeviceId) {
  const [ci, cs] = memoryChannelPair();
  const [out, served] = await Promise.all([initiateSync(init, ci, CONTEXT, serveId, () => 0), serveSync(serve, cs, initId)]);
  return { out, served };
}

describe('protocol versions where peers meet (the sync opening)', () => {
  it('before any fence: older and newer sync both ways, and each hears the other’s claim', async () => {
    const { a, b } = pair();
    const { out } = await session(a, b, A, B);
    expect(out.ok).toBe(true);
    expect(a.ids()).toEqual(b.ids());
    expect(a.claims).toEqual([[B, v(1, 0)]]);
    expect(b.claims).toEqual([[A, v(1, 1)]]);
    expect([...a.refusals, ...b.refusals]).toEqual([]);
  });

  it('past the fence the up-to-date side refuses the older one whichever side opens; nothing crosses', async () => {
    const { a, b } = pair();
    a.requires = v(1, 1);
    const before = [a.ids(), b.ids()];
    const opened = await session(a, b, A, B);
    expect(opened.out).toMatchObject({ ok: false, failure: 'PeerOutdated', factsIn: 0, factsOut: 0 });
    const served = await session(b, a, B, A);
    expect(served.served).toMatchObject({ ok: false, failure: 'PeerOutdated' });
    // B does not know the upgrade yet: it is refused, and says so as the peer's refusal.
    expect(served.out).toMatchObject({ ok: false, failure: 'VersionRefused' });
    expect([a.ids(), b.ids()]).toEqual(before);
    expect(a.refusals).toEqual([[B, 'PeerOutdated'], [B, 'PeerOutdated']]);
    expect(b.refusals).toEqual([[A, 'VersionRefused']]);
  });

  it('a device that knows it is outdated runs no session: it opens none and serves none', async () => {
    const { a, b } = pair();
    a.requires = v(1, 1);
    b.requires = v(1, 1);
    const own = await session(b, a, B, A);
    expect(own.out).toMatchObject({ ok: false, failure: 'SelfOutdated', bytesOut: 0 });
    const theirs = await session(a, b, A, B);
    expect(theirs.served).toMatchObject({ ok: false, failure: 'SelfOutdated' });
    expect(theirs.out).toMatchObject({ ok: false, failure: 'PeerOutdated', factsIn: 0 });
    expect(b.refusals.map((r) => r[1])).toEqual(['SelfOutdated', 'SelfOutdated']);
  });

  it('an opening without a claim (a build older than advertising) counts as the baseline 1.0.0', async () => {
    const a = new Journal(facts(0, 3));
    const [ci, cs] = memoryChannelPair();
    const served = serveSync(a, cs, B);
    await ci.send(encodeCanonical({ t: 'open', topic: TOPIC, proof: new Uint8Array(32) }).slice());
    expect(decodeFrame((await ci.receive())!)).toEqual({ t: 'ok', ver: versionToWire(PROTOCOL_VERSION) });
    await ci.send(encodeFrame({ t: 'bye' }));
    expect(await served).toMatchObject({ ok: true });
    expect(a.claims).toEqual([[B, v(1, 0)]]);
    a.requires = v(1, 1);
    const [ci2, cs2] = memoryChannelPair();
    const refused = serveSync(a, cs2, B);
    await ci2.send(encodeCanonical({ t: 'open', topic: TOPIC, proof: new Uint8Array(32) }).slice());
    expect(decodeFrame((await ci2.receive())!)).toEqual({ t: 'version', ver: versionToWire(PROTOCOL_VERSION), need: [1, 1, 0] });
    expect(await refused).toMatchObject({ failure: 'PeerOutdated' });
  });

  it('a malformed claim is a typed Malformed frame, never a throw or a served session', () => {
    for (const ver of [[1, 0], [1, 0, -1], [1, 0, 0.5], [1, 0, 65_536], ['1', 0, 0], { major: 1 }]) {
      const bytes = encodeCanonical({ t: 'open', topic: TOPIC, proof: new Uint8Array(32), ver }).slice();
      expect(() => decodeFrame(bytes)).toThrowError(expect.objectContaining({ name: 'SyncFrameError', code: 'Malformed' }));
    }
    expect(() => decodeFrame(encodeCanonical({ t: 'version', ver: [1, 0, 0] }).slice())).toThrowError(expect.objectContaining({ code: 'Malformed' }));
  });
});
