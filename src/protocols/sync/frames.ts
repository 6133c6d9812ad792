import { SYNC_OPEN_PROOF_BYTES } from '../../core/crypto/context-keys.ts';
import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../../core/encoding/cbor.ts';
import { AuraError } from '../../core/errors.ts';
import { KEY_BYTES } from '../../core/sync/index.ts';
import { versionFromWire } from '../../core/version.ts';
import { MAX_SNAPSHOT_BYTES } from '../../core/limits.ts';
import { MAX_FRAME_BYTES, type FrameChannel } from '../../net/frame-channel.ts';

/**
 * The frames of one sync session, canonical DAG-CBOR. The initiator names the context by its topic (a hash
 * of the secret) and proves it holds the secret; the responder serves it (`ok`), refuses it (`deny`: not a
 * member, or a context it does not hold) or asks it to come back in `retry` ms (`busy`: a rate limit). Then
 * the initiator reconciles (a round is one or more `rec` frames, the last marked), fetches what it lacks by
 * key, pushes what the responder lacks — each `put` answered `ok` only when every fact of it is now stored,
 * else `partial` with what became of them — and asks for the acks it is missing from the responder.
 */
export type SyncFrame =
  | { readonly t: 'open'; readonly topic: string; readonly proof: Uint8Array; readonly ver?: Wire }
  | { readonly t: 'ok'; readonly ver?: Wire }
  | { readonly t: 'version'; readonly ver: Wire; readonly need: Wire }
  | { readonly t: 'deny' }
  | { readonly t: 'busy'; readonly retry: number }
  | { readonly t: 'partial'; readonly stored: number; readonly held: number; readonly refused: number }
  | { readonly t: 'rec'; readonly m: Uint8Array; readonly last: boolean }
  | { readonly t: 'get'; readonly keys: readonly Uint8Array[] }
  | { readonly t: 'facts'; readonly f: readonly Uint8Array[]; readonly more: boolean }
  | { readonly t: 'put'; readonly f: readonly Uint8Array[] }
  | { readonly t: 'ackreq'; readonly keys: readonly Uint8Array[] }
  | { readonly t: 'acks'; readonly a: readonly Uint8Array[]; readonly more: boolean }
  | { readonly t: 'snapreq'; readonly cid: string; readonly from: number }
  | { readonly t: 'snap'; readonly b: Uint8Array; readonly size: number; readonly more: boolean }
  | { readonly t: 'bye' };

type Wire = readonly [number, number, number];

export class SyncFrameError extends AuraError<'Malformed' | 'TooLarge' | 'Unexpected'> {
  override readonly name = 'SyncFrameError';
  constructor(code: 'Malformed' | 'TooLarge' | 'Unexpected', message: string) {
    super(code, `${code}: ${message}`);
  }
}

export function encodeFrame(f: SyncFrame): Uint8Array {
  const bytes = encodeCanonical(f).slice();
  if (bytes.length > MAX_FRAME_BYTES) throw new SyncFrameError('TooLarge', `${bytes.length} > ${MAX_FRAME_BYTES}`);
  return bytes;
}

const isBytesList = (v: unknown): v is Uint8Array[] => Array.isArray(v) && v.every((x) => x instanceof Uint8Array);
/** Above any number of facts a frame holds, and above any sensible retry delay (about 18 h). */
const MAX_COUNT = 2 ** 26;
/** A count of facts in one frame, or a delay in ms: a small non-negative integer. */
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_COUNT;

/** A byte offset or size within a snapshot blob. */
const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_SNAPSHOT_BYTES;

const isVersion = (v: unknown): boolean => versionFromWire(v) !== null;

/** `meter` counts the decoder's work (tests assert it stays linear in the input). */
export function decodeFrame(bytes: Uint8Array, meter?: WorkMeter): SyncFrame {
  if (bytes.length > MAX_FRAME_BYTES) throw new SyncFrameError('TooLarge', `${bytes.length} > ${MAX_FRAME_BYTES}`);
  let v: Record<string, unknown>;
  try {
    v = decodeCanonical<Record<string, unknown>>(bytes, meter);
  } catch (e) {
    if (e instanceof DecodeError) throw new SyncFrameError('Malformed', e.message);
    throw e;
  }
  if (v === null || typeof v !== 'object') throw new SyncFrameError('Malformed', 'not a map');
  const keys = Object.keys(v).sort().join(',');
  switch (v.t) {
    case 'open':
      if ((keys === 'proof,t,topic' || (keys === 'proof,t,topic,ver' && isVersion(v.ver))) && typeof v.topic === 'string' && v.topic.length <= 128 && v.proof instanceof Uint8Array && v.proof.length === SYNC_OPEN_PROOF_BYTES) {
        return v as SyncFrame;
      }
      break;
    case 'ok':
      if (keys === 't' || (keys === 't,ver' && isVersion(v.ver))) return v as SyncFrame;
      break;
    case 'version':
      if (keys === 'need,t,ver' && isVersion(v.ver) && isVersion(v.need)) return v as SyncFrame;
      break;
    case 'deny':
    case 'bye':
      if (keys === 't') return v as SyncFrame;
      break;
    case 'busy':
      if (keys === 'retry,t' && isCount(v.retry)) return v as SyncFrame;
      break;
    case 'partial':
      if (keys === 'held,refused,stored,t' && isCount(v.stored) && isCount(v.held) && isCount(v.refused)) return v as SyncFrame;
      break;
    case 'rec':
      if (keys === 'last,m,t' && v.m instanceof Uint8Array && typeof v.last === 'boolean') return v as SyncFrame;
      break;
    case 'get':
    case 'ackreq':
      if (keys === 'keys,t' && isBytesList(v.keys) && v.keys.every((k) => k.length === KEY_BYTES)) return v as SyncFrame;
      break;
    case 'facts':
      if (keys === 'f,more,t' && isBytesList(v.f) && typeof v.more === 'boolean') return v as SyncFrame;
      break;
    case 'put':
      if (keys === 'f,t' && isBytesList(v.f)) return v as SyncFrame;
      break;
    case 'acks':
      if (keys === 'a,more,t' && isBytesList(v.a) && typeof v.more === 'boolean') return v as SyncFrame;
      break;
    case 'snapreq':
      if (keys === 'cid,from,t' && typeof v.cid === 'string' && v.cid.length > 0 && v.cid.length <= 128 && isOffset(v.from)) return v as SyncFrame;
      break;
    case 'snap':
      if (keys === 'b,more,size,t' && v.b instanceof Uint8Array && isOffset(v.size) && typeof v.more === 'boolean') return v as SyncFrame;
      break;
  }
  // Not String(v.t): a decoded map whose "toString" key holds data cannot be turned into text.
  throw new SyncFrameError('Malformed', `bad frame ${typeof v.t === 'string' ? v.t : typeof v.t}`);
}

/** Room a `rec` frame needs around its message: the map, its keys, the byte string's header, the flag. */
export const REC_FRAME_OVERHEAD = 32;

/** Groups byte strings so each group's frame stays under the limit (room kept for the frame's own fields). */
export function packBytes(items: readonly Uint8Array[], budget = MAX_FRAME_BYTES - 64): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  let group: Uint8Array[] = [];
  let size = 0;
  for (const it of items) {
    const cost = it.length + 5;
    if (group.length > 0 && size + cost > budget) {
      out.push(group);
      group = [];
      size = 0;
    }
    group.push(it);
    size += cost;
  }
  if (group.length > 0) out.push(group);
  return out;
}

/** The next frame, decoded; a closed channel is an `Unexpected` end. */
export async function nextFrame(ch: FrameChannel): Promise<SyncFrame> {
  const bytes = await ch.receive();
  if (bytes === null) throw new SyncFrameError('Unexpected', 'the peer closed the session');
  return decodeFrame(bytes);
}

export const sendFrame = (ch: FrameChannel, f: SyncFrame): Promise<void> => ch.send(encodeFrame(f));
