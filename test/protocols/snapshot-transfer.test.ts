import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import type { DeviceId } from '../../src/core/ids.ts';
import { MAX_SNAPSHOT_BYTES } from '../../src/core/limits.ts';
import { memoryChannelPair } from '../../src/net/memory-frames.ts';
import type { Charge } from '../../src/protocols/sync/charge.ts';
import { decodeFrame, encodeFrame, SyncFrameError, type SyncFrame } from '../../src/protocols/sync/frames.ts';
import { initiateSync, serveSync } from '../../src/protocols/sync/session.ts';
import { fetchSnapshot, SNAP_PART_BYTES } from '../../src/protocols/sync/snapshot-transfer.ts';
import { CONTEXT, facts, Journal } from './journal-host.ts';

const A = 'peer-a' as DeviceId;
const B = 'peer-b' as DeviceId;

/** A blob of `n` bytes, not all alike, and its CID as the test hosts name it. */
function blob(n: number): { bytes: Uint8Array; cid: string } {
  const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  return { bytes, cid: toHex(sha256(bytes)) };
}

/** A holds the blob; B counts its completion and wants it. One session, B initiating. */
function pair(size: number) {
  const b = blob(size);
  const holder = new Journal(facts(0, 5));
  holder.serves.set(b.cid, b.bytes);
  const joiner = new Journal(facts(0, 3));
  joiner.wants = b.cid;
  return { ...b, holder, joiner };
}

async function session(joiner: Journal, holder: Journal, charge?: Charge) {
  const [ca, cb] = memoryChannelPair();
  const [out, served] = await Promise.all([initiateSync(joiner, ca, CONTEXT, A, () => 0), serveSync(holder, cb, B, charge ? { charge } : {})]);
  return { out, served };
}

describe('snapshot blobs in the sync session (spec 004 §2: a new member receives snapshot + tail)', () => {
  it('a device that counts a completion it does not hold gets the blob in parts after the facts, and adopts it', async () => {
    const { holder, joiner, bytes } = pair(5 * SNAP_PART_BYTES + 123);
    const { out, served } = await session(joiner, holder);
    expect(out.ok).toBe(true);
    expect(served.ok).toBe(true);
    expect(joiner.set.size).toBe(5);
    expect(joiner.adopted).toEqual(bytes);
    // Nothing is asked for again.
    expect(joiner.wantedSnapshot()).toBeNull();
  });

  it('a peer that does not hold the blob says so (size 0): the session is fine and the device asks elsewhere later', async () => {
    const { joiner } = pair(1000);
    const { out } = await session(joiner, new Journal(facts(0, 5)));
    expect(out.ok).toBe(true);
    expect(joiner.adopted).toBeNull();
    expect(joiner.wantedSnapshot()).toMatchObject({ from: 0 });
  });

  it('a peer serving other bytes under the CID fails the session typed, and nothing is adopted', async () => {
    const { holder, joiner, cid } = pair(3 * SNAP_PART_BYTES);
    holder.serves.set(cid, blob(3 * SNAP_PART_BYTES + 1).bytes.subarray(1));
    const { out } = await session(joiner, holder);
    expect(out).toMatchObject({ ok: false, failure: 'Malformed' });
    expect(joiner.adopted).toBeNull();
  });

  it('a transfer cut short (the responder’s budget ran out) resumes from the bytes already here', async () => {
    const { holder, joiner, bytes } = pair(8 * SNAP_PART_BYTES);
    let frames = 0;
    // The responder may send a handful of frames in all, then its budget is spent.
    const spent: Charge = () => (++frames > 6 ? { ok: false, resumeAt: 1 } : { ok: true });
    const first = await session(joiner, holder, spent);
    expect(first.out.ok).toBe(false);
    const from = joiner.wantedSnapshot()!.from;
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(bytes.length);
    const second = await session(joiner, holder);
    expect(second.out.ok).toBe(true);
    expect(joiner.adopted).toEqual(bytes);
  });

  it('an older peer (before snapshot transfer) is not asked: the session ends as before', async () => {
    const { holder, joiner } = pair(1000);
    holder.runs = { major: 1, minor: 1, patch: 0 };
    const { out, served } = await session(joiner, holder);
    expect(out.ok).toBe(true);
    expect(served.ok).toBe(true);
    expect(joiner.adopted).toBeNull();
  });
});

describe('hostile snap frames end the transfer typed', () => {
  /** Runs fetchSnapshot against a scripted responder sending `frames` after the request. */
  async function fetchFrom(frames: SyncFrame[]) {
    const joiner = new Journal([]);
    joiner.wants = 'cid-x';
    const [mine, theirs] = memoryChannelPair();
    const script = (async () => {
      const req = decodeFrame((await theirs.receive())!);
      for (const f of frames) await theirs.send(encodeFrame(f));
      return req;
    })();
    const got = await fetchSnapshot(mine, joiner, CONTEXT).then(
      () => null,
      (e: unknown) => e,
    );
    return { req: await script, got, joiner };
  }
  const part = (n: number) => new Uint8Array(n).fill(1);

  it('asks by CID from the bytes it has', async () => {
    const { req } = await fetchFrom([{ t: 'snap', b: new Uint8Array(0), size: 0, more: false }]);
    expect(req).toEqual({ t: 'snapreq', cid: 'cid-x', from: 0 });
  });

  it.each<[string, SyncFrame[]]>([
    ['parts beyond the size', [{ t: 'snap', b: part(10), size: 5, more: false }]],
    ['a last part short of the size', [{ t: 'snap', b: part(10), size: 50, more: false }]],
    ['more promised past the size', [{ t: 'snap', b: part(10), size: 10, more: true }]],
    ['empty parts forever', [{ t: 'snap', b: new Uint8Array(0), size: 50, more: true }]],
    ['another frame instead', [{ t: 'bye' }]],
  ])('%s', async (_, frames) => {
    const { got, joiner } = await fetchFrom(frames);
    expect(got).toBeInstanceOf(SyncFrameError);
    expect(joiner.adopted).toBeNull();
  });

  it('a size over the snapshot limit does not even decode', () => {
    const bytes = encodeFrame({ t: 'snap', b: part(1), size: MAX_SNAPSHOT_BYTES + 1, more: true });
    expect(() => decodeFrame(bytes)).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeFrame({ t: 'snapreq', cid: '', from: 0 }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeFrame({ t: 'snapreq', cid: 'x', from: -1 }))).toThrow(SyncFrameError);
  });
});
