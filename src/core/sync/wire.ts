import { INFINITY, LOWEST, compareBounds, isInfinity, type Bound } from './bound.ts';
import { SyncProtocolError } from './errors.ts';
import { MAX_ITEM_TIME } from './item.ts';
import { KEY_BYTES, compareKeysAt, keyCount } from './key.ts';
import { ByteWriter, Reader } from './varint.ts';

/**
 * The wire format. A round is one or more messages, each at most one frame. A message is a version byte,
 * then ranges in key order. A range is its upper bound (its lower bound is the previous range's upper bound;
 * a message's first range starts below every item), a mode and the mode's payload:
 *
 *   range = varint(timeCode) varint(mode + 8·prefixLength) prefix payload
 *           timeCode 0 = infinity, else 1 + (time − previous bound's time)
 *
 *   Skip        0  —                          nothing to say here
 *   Cell        1  varint(count) 8 bytes      the sender's count and key sum (mod 2^64, little-endian)
 *   IdList      2  varint(n) n × key          all the sender's keys in the range
 *   IdListReply 3  varint(m) m × key          responder, answering an IdList of n keys: its keys the list
 *                  varint(n) ⌈n/8⌉ bytes      lacks, and bit k set when it lacks the list's k-th key
 *   Mine        4  key                        responder: the range differs by exactly this item of mine
 *   Yours       5  key                        responder: the range seems one item of yours apart, this key
 *   Need        6  key                        initiator: your cell seemed one item of yours apart, this key
 *   Later       7  —                          responder, last, up to infinity: not answered, ask again
 *
 * Canonical form, checked on decode: minimal varints, bounds strictly increasing, prefixes ≤ 32 bytes and not
 * ending in a zero byte, infinity only last and with an empty prefix, no two Skips in a row and no Skip last,
 * keys in every list strictly increasing, bitfield padding 0, each mode only from the side that may send it,
 * and across the messages of a round, each one starting where the previous one stopped or later.
 */
export const SYNC_PROTOCOL_VERSION = 2;

export const Mode = { Skip: 0, Cell: 1, IdList: 2, IdListReply: 3, Mine: 4, Yours: 5, Need: 6, Later: 7 } as const;
const MODES = 8;

type KeyMode = typeof Mode.Mine | typeof Mode.Yours | typeof Mode.Need;

/** A range as read, with the lower bound it starts at; lists are packed keys. Skips are not returned: they say nothing. */
export type WireRange = { readonly lower: Bound; readonly upper: Bound } & (
  | { readonly mode: typeof Mode.Cell; readonly count: number; readonly sum: Uint8Array }
  | { readonly mode: typeof Mode.IdList; readonly keys: Uint8Array }
  | { readonly mode: typeof Mode.IdListReply; readonly keys: Uint8Array; readonly listed: number; readonly lacking: Uint8Array }
  | { readonly mode: KeyMode; readonly key: Uint8Array }
  | { readonly mode: typeof Mode.Later }
);

export type Sender = 'initiator' | 'responder';

const SENDERS: Record<number, Sender> = {
  [Mode.IdListReply]: 'responder',
  [Mode.Mine]: 'responder',
  [Mode.Yours]: 'responder',
  [Mode.Need]: 'initiator',
  [Mode.Later]: 'responder',
};

/** Worst-case bytes of one range's head: time code (8), mode and prefix length (2), prefix (32). */
export const MAX_RANGE_HEAD_BYTES = 42;
/** Room kept free in every message so that a pending Skip and a Later always fit. */
const LATER_RESERVE = MAX_RANGE_HEAD_BYTES + 2;
/** Bytes a message needs around its largest range: the version byte, a leading Skip, the reserve. */
export const MESSAGE_OVERHEAD = 1 + MAX_RANGE_HEAD_BYTES + LATER_RESERVE;

function malformed(message: string): never {
  throw new SyncProtocolError('Malformed', message);
}

function readKeys(r: Reader): Uint8Array {
  const n = r.varint();
  if (n * KEY_BYTES > r.remaining) malformed('key list longer than the message');
  const keys = r.take(n * KEY_BYTES).slice();
  for (let k = 1; k < n; k++) if (compareKeysAt(keys, k - 1, keys, k) >= 0) malformed('keys not strictly increasing');
  return keys;
}

function readPayload(r: Reader, mode: number, lower: Bound, upper: Bound): WireRange | undefined {
  switch (mode) {
    case Mode.Skip:
      return undefined;
    case Mode.Cell:
      return { mode, lower, upper, count: r.varint(), sum: r.take(KEY_BYTES).slice() };
    case Mode.IdList:
      return { mode, lower, upper, keys: readKeys(r) };
    case Mode.IdListReply: {
      const keys = readKeys(r);
      const listed = r.varint();
      if (listed > 8 * r.remaining) malformed('bitfield longer than the message');
      const lacking = r.take(Math.ceil(listed / 8)).slice();
      if (listed % 8 !== 0 && lacking[lacking.length - 1]! >> listed % 8 !== 0) malformed('bitfield padding not zero');
      return { mode, lower, upper, keys, listed, lacking };
    }
    case Mode.Later:
      if (!isInfinity(upper)) malformed('Later must reach infinity');
      return { mode, lower, upper };
    default:
      return { mode: mode as KeyMode, lower, upper, key: r.take(KEY_BYTES).slice() };
  }
}

/** Reads one range's bound and mode given the previous bound; throws Malformed on anything non-canonical. */
function readHead(r: Reader, previous: Bound, from: Sender): { mode: number; upper: Bound } {
  const code = r.varint();
  const head = r.varint();
  const mode = head % MODES;
  const length = (head - mode) / MODES;
  const only = SENDERS[mode];
  if (only !== undefined && only !== from) malformed(`mode ${mode} from the ${from}`);
  if (length > 32) malformed('bound prefix longer than an id');
  const prefix = r.take(length).slice();
  if (length > 0 && prefix[length - 1] === 0) malformed('bound prefix ends in a zero byte');
  let upper: Bound;
  if (code === 0) {
    if (length > 0) malformed('infinite bound with a prefix');
    upper = INFINITY;
  } else {
    const time = previous.time + code - 1;
    if (time > MAX_ITEM_TIME) malformed('bound time out of range');
    upper = { time, prefix };
  }
  if (compareBounds(upper, previous) <= 0) malformed('bounds not strictly increasing');
  return { mode, upper };
}

/**
 * Parses one round of untrusted messages into its non-Skip ranges, in key order. Anything but canonical
 * messages within `frameLimit`, at most `maxMessages` of them, is a SyncProtocolError.
 */
export function decodeRound(messages: readonly Uint8Array[], frameLimit: number, maxMessages: number, from: Sender): WireRange[] {
  if (messages.length === 0) malformed('empty round');
  if (messages.length > maxMessages) throw new SyncProtocolError('TooLarge', `${messages.length} messages > ${maxMessages}`);
  const out: WireRange[] = [];
  let reached: Bound = LOWEST;
  for (const bytes of messages) {
    if (bytes.length > frameLimit) throw new SyncProtocolError('TooLarge', `${bytes.length} > ${frameLimit} bytes`);
    if (bytes.length === 0) malformed('empty message');
    if (bytes[0] !== SYNC_PROTOCOL_VERSION) throw new SyncProtocolError('UnsupportedVersion', `version ${bytes[0]}`);
    const r = new Reader(bytes);
    r.pos = 1;
    let previous = LOWEST;
    let lastMode = -1;
    while (r.remaining > 0) {
      if (isInfinity(previous)) malformed('range after infinity');
      const { mode, upper } = readHead(r, previous, from);
      if (mode === Mode.Skip && lastMode === Mode.Skip) malformed('two Skips in a row');
      const range = readPayload(r, mode, previous, upper);
      if (range !== undefined) {
        if (compareBounds(range.lower, reached) < 0) malformed('messages of a round overlap');
        out.push(range);
        reached = upper;
      }
      previous = upper;
      lastMode = mode;
    }
    if (lastMode === Mode.Skip) malformed('message ends with a Skip');
  }
  return out;
}

/**
 * Builds one round within a frame limit and a message count. Skips are lazy (merged, and dropped at the end
 * of a message); a range that does not fit the current message opens the next one, which starts with a Skip
 * up to it. Every message keeps room for a closing Later.
 */
export class RoundWriter {
  private readonly done: Uint8Array[] = [];
  private out = message();
  private lastTime = 0;
  /** Upper bound of the last range written to the current message. */
  private written: Bound = LOWEST;
  /** Where the last range appended ends; beyond `written` it is a pending Skip. */
  private position: Bound = LOWEST;

  constructor(
    private readonly frameLimit: number,
    private readonly maxMessages: number,
  ) {}

  get isEmpty(): boolean {
    return this.done.length === 0 && this.out.length === 1;
  }

  cell(lower: Bound, upper: Bound, count: number, sum: Uint8Array): boolean {
    return this.range(lower, upper, Mode.Cell, (out) => {
      out.varint(count);
      out.bytes(sum);
    });
  }

  idList(lower: Bound, upper: Bound, keys: Uint8Array): boolean {
    return this.range(lower, upper, Mode.IdList, (out) => pushKeys(out, keys));
  }

  idListReply(lower: Bound, upper: Bound, keys: Uint8Array, listed: number, lacking: Uint8Array): boolean {
    return this.range(lower, upper, Mode.IdListReply, (out) => {
      pushKeys(out, keys);
      out.varint(listed);
      out.bytes(lacking);
    });
  }

  key(mode: KeyMode, lower: Bound, upper: Bound, key: Uint8Array): boolean {
    return this.range(lower, upper, mode, (out) => out.bytes(key.subarray(0, KEY_BYTES)));
  }

  /** Closes the round: nothing from `from` on was answered. Always fits (every message keeps room for it). */
  later(from: Bound): void {
    this.advance(from);
    this.head(INFINITY, Mode.Later);
  }

  /** The round's messages; none when nothing was written. */
  finish(): Uint8Array[] {
    return this.isEmpty ? [] : [...this.done, this.out.toBytes()];
  }

  /** Appends one range; false, with nothing written, when neither this message nor a new one may hold it. */
  private range(lower: Bound, upper: Bound, mode: number, payload: (out: ByteWriter) => void): boolean {
    const mark = { size: this.out.length, lastTime: this.lastTime, written: this.written, position: this.position };
    this.advance(lower);
    this.head(upper, mode);
    payload(this.out);
    if (this.out.length + LATER_RESERVE <= this.frameLimit) return true;
    this.out.length = mark.size;
    this.lastTime = mark.lastTime;
    this.written = mark.written;
    this.position = mark.position;
    if (this.out.length === 1 || this.done.length + 1 >= this.maxMessages) return false;
    this.done.push(this.out.toBytes());
    this.out = message();
    this.lastTime = 0;
    this.written = LOWEST;
    this.position = LOWEST;
    return this.range(lower, upper, mode, payload);
  }

  private advance(lower: Bound): void {
    if (compareBounds(lower, this.position) > 0) this.position = lower;
  }

  private head(upper: Bound, mode: number): void {
    if (compareBounds(this.position, this.written) !== 0) this.bound(this.position, Mode.Skip);
    this.bound(upper, mode);
    this.position = upper;
  }

  private bound(b: Bound, mode: number): void {
    if (isInfinity(b)) {
      this.out.varint(0);
    } else {
      this.out.varint(1 + b.time - this.lastTime);
      this.lastTime = b.time;
    }
    this.out.varint(mode + MODES * b.prefix.length);
    this.out.bytes(b.prefix);
    this.written = b;
  }
}

function pushKeys(out: ByteWriter, keys: Uint8Array): void {
  out.varint(keyCount(keys));
  out.bytes(keys);
}

/** A message so far: its version byte. */
function message(): ByteWriter {
  const out = new ByteWriter();
  out.byte(SYNC_PROTOCOL_VERSION);
  return out;
}
