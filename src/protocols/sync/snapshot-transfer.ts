import type { ContextId } from '../../core/ids.ts';
import { compareVersions, type ProtocolVersion } from '../../core/version.ts';
import { MAX_FRAME_BYTES, type FrameChannel } from '../../net/frame-channel.ts';
import { nextFrame, sendFrame, SyncFrameError } from './frames.ts';
import type { SyncHost } from './sync-host.ts';

/** The first version that serves snapshot blobs (`snapreq`): an older responder would end the session on it. */
export const SNAPSHOT_TRANSFER_VERSION: ProtocolVersion = { major: 1, minor: 2, patch: 0 };

/** Bytes of a blob per `snap` frame: room is kept for the frame's own fields. */
export const SNAP_PART_BYTES = MAX_FRAME_BYTES - 64;

export const servesSnapshots = (peer: ProtocolVersion): boolean => compareVersions(peer, SNAPSHOT_TRANSFER_VERSION) >= 0;

/**
 * The initiator's last step (spec 004 §2: a new device or member receives snapshot + tail): if its journal
 * counts a completed snapshot whose blob it does not hold, it asks the peer for the blob from the bytes it
 * already has. Parts must follow each other within the size the first one names; the host verifies the whole
 * blob against its CID (bound by the witnesses' threshold signature) and refuses it otherwise — then the session
 * fails typed, so the peer's score pays for it. A peer without the blob answers size 0.
 */
export async function fetchSnapshot(ch: FrameChannel, host: SyncHost, context: ContextId): Promise<void> {
  const wanted = host.wantedSnapshot(context);
  if (wanted === null) return;
  await sendFrame(ch, { t: 'snapreq', cid: wanted.cid, from: wanted.from });
  let offset = wanted.from;
  for (;;) {
    const f = await nextFrame(ch);
    if (f.t !== 'snap') throw new SyncFrameError('Unexpected', `expected snap, got ${f.t}`);
    if (f.size === 0 && f.b.length === 0 && !f.more) return;
    // An empty part would let a peer keep us reading forever.
    if (f.b.length === 0) throw new SyncFrameError('Malformed', 'an empty snapshot part');
    if (offset + f.b.length > f.size || (f.more && offset + f.b.length === f.size) || (!f.more && offset + f.b.length !== f.size)) {
      throw new SyncFrameError('Malformed', 'snapshot parts do not add up to their size');
    }
    if (!(await host.snapshotPart(context, wanted.cid, offset, f.b, f.size))) throw new SyncFrameError('Malformed', 'snapshot blob refused');
    offset += f.b.length;
    if (!f.more) return;
  }
}

/** The responder's answer to `snapreq`: the blob from the offset asked, in parts, or size 0 if it is not held here. */
export async function serveSnapshot(ch: FrameChannel, host: SyncHost, context: ContextId, cid: string, from: number): Promise<void> {
  const blob = await host.snapshotBlob(context, cid);
  if (blob === null || from >= blob.length) return sendFrame(ch, { t: 'snap', b: new Uint8Array(0), size: 0, more: false });
  for (let at = from; at < blob.length; at += SNAP_PART_BYTES) {
    const end = Math.min(blob.length, at + SNAP_PART_BYTES);
    await sendFrame(ch, { t: 'snap', b: blob.subarray(at, end), size: blob.length, more: end < blob.length });
  }
}
