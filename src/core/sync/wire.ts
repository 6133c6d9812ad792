import { compareBytes } from '../compare.ts';
import { INFINITY, LOWEST, compareBounds, isInfinity, type Bound } from './bound.ts';
import { SyncProtocolError } from './errors.ts';
import { FINGERPRINT_BYTES } from './fingerprint.ts';
import { ID_BYTES, MAX_ITEM_TIME } from './item.ts';
import { Reader, writeVarint } from './varint.ts';

/**
 * The wire format. A message is a version byte, then ranges that cover the key space in order. A range is its
 * upper bound (the lower bound is the previous range's upper bound; the first starts below every item), a mode
 * and the mode's payload:
 *
 *   range = varint(timeCode) varint(mode + 8·prefixLength) prefix payload
 *           timeCode 0 = infinity, else 1 + (time − previous bound's time)
 *
 *   Skip        0  —                            nothing to do here
 *   Fingerprint 1  16 bytes                     the sender's fingerprint of the range
 *   IdList      2  varint(n) n × id             all the sender's ids in the range
 *   IdListReply 3  varint(m) m × id             responder, answering an IdList of n ids: its ids the list
 *                  varint(n) ⌈n/8⌉ bytes        lacks, and bit k set when it lacks the list's k-th id
 *   Continue    4  16 bytes                     last, up to infinity: the sender ran out of frame here;
 *                                               its fingerprint of the rest
 *   Sum         5  varint(count) 32 bytes       initiator: its count and sum of ids (mod 2^256, little-endian)
 *   Mine        6  id                           responder: the range differs by exactly this id of mine
 *   Yours       7  16 bytes                     responder: the range differs by exactly one id of yours, the
 *                                               one starting with these bytes
 *
 * Canonical form, checked on decode: minimal varints, bounds strictly increasing, prefixes ≤ 32 bytes and not
 * ending in a zero byte, infinity only last and with an empty prefix, no two Skips in a row and no Skip last
 * (the rest of the key space is implicitly skipped), ids in every list strictly increasing, bitfield padding 0,
 * and each mode only from the side that may send it.
 */
export const SYNC_PROTOCOL_VERSION = 1;

export const Mode = { Skip: 0, Fingerprint: 1, IdList: 2, IdListReply: 3, Continue: 4, Sum: 5, Mine: 6, Yours: 7 } as const;
const MODES = 8;

/** Bytes of an id prefix that name one of the initiator's ids in a Yours range. */
const YOURS_PREFIX_BYTES = 16;

export type WireRange =
  | { readonly mode: typeof Mode.Skip; readonly upper: Bound }
  | { readonly mode: typeof Mode.Fingerprint | typeof Mode.Continue; readonly upper: Bound; readonly fingerprint: Uint8Array }
  | { readonly mode: typeof Mode.IdList; readonly upper: Bound; readonly ids: Uint8Array[] }
  | {
      readonly mode: typeof Mode.IdListReply;
      readonly upper: Bound;
      readonly ids: Uint8Array[];
      readonly listed: number;
      readonly lacking: Uint8Array;
    }
  | { readonly mode: typeof Mode.Sum; readonly upper: Bound; readonly count: number; readonly sum: Uint8Array }
  | { readonly mode: typeof Mode.Mine; readonly upper: Bound; readonly id: Uint8Array }
  | { readonly mode: typeof Mode.Yours; readonly upper: Bound; readonly prefix: Uint8Array };

export type Sender = 'initiator' | 'responder';

const SENDERS: Record<number, Sender> = { [Mode.IdListReply]: 'responder', [Mode.Sum]: 'initiator', [Mode.Mine]: 'responder', [Mode.Yours]: 'responder' };

/** Worst-case bytes of one range's head: time code (8), mode and prefix length (2), prefix (32). */
export const MAX_RANGE_HEAD_BYTES = 42;
/** Room kept free in every message so a Continue (after a possible pending Skip) always fits. */
export const CONTINUE_RESERVE = MAX_RANGE_HEAD_BYTES + 2 + FINGERPRINT_BYTES;

function malformed(message: string): never {
  throw new SyncProtocolError('Malformed', message);
}

function readIds(r: Reader): Uint8Array[] {
  const n = r.varint();
  if (n * ID_BYTES > r.remaining) malformed('id list longer than the message');
  const ids: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const id = r.take(ID_BYTES).slice();
    if (k > 0 && compareBytes(ids[k - 1]!, id) >= 0) malformed('ids not strictly increasing');
    ids.push(id);
  }
  return ids;
}

function readPayload(r: Reader, mode: number, upper: Bound): WireRange {
  switch (mode) {
    case Mode.Skip:
      return { mode, upper };
    case Mode.Fingerprint:
      return { mode, upper, fingerprint: r.take(FINGERPRINT_BYTES).slice() };
    case Mode.Continue:
      if (!isInfinity(upper)) malformed('Continue must reach infinity');
      return { mode, upper, fingerprint: r.take(FINGERPRINT_BYTES).slice() };
    case Mode.IdList:
      return { mode, upper, ids: readIds(r) };
    case Mode.IdListReply: {
      const ids = readIds(r);
      const listed = r.varint();
      if (listed > 8 * r.remaining) malformed('bitfield longer than the message');
      const lacking = r.take(Math.ceil(listed / 8)).slice();
      if (listed % 8 !== 0 && lacking[lacking.length - 1]! >> listed % 8 !== 0) malformed('bitfield padding not zero');
      return { mode, upper, ids, listed, lacking };
    }
    case Mode.Sum:
      return { mode, upper, count: r.varint(), sum: r.take(ID_BYTES).slice() };
    case Mode.Mine:
      return { mode, upper, id: r.take(ID_BYTES).slice() };
    default:
      return { mode: Mode.Yours, upper, prefix: r.take(YOURS_PREFIX_BYTES).slice() };
  }
}

/** Reads one range given the previous bound; throws Malformed on anything non-canonical. */
function readRange(r: Reader, previous: Bound, from: Sender): WireRange {
  const code = r.varint();
  const head = r.varint();
  const mode = head % MODES;
  const length = (head - mode) / MODES;
  const only = SENDERS[mode];
  if (only !== undefined && only !== from) malformed(`mode ${mode} from the ${from}`);
  if (length > ID_BYTES) malformed('bound prefix longer than an id');
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
  return readPayload(r, mode, upper);
}

/** Parses untrusted bytes; anything but a canonical message within `frameLimit` is a SyncProtocolError. */
export function decodeMessage(bytes: Uint8Array, frameLimit: number, from: Sender): WireRange[] {
  if (bytes.length > frameLimit) throw new SyncProtocolError('TooLarge', `${bytes.length} > ${frameLimit} bytes`);
  if (bytes.length === 0) malformed('empty message');
  if (bytes[0] !== SYNC_PROTOCOL_VERSION) throw new SyncProtocolError('UnsupportedVersion', `version ${bytes[0]}`);
  const r = new Reader(bytes);
  r.pos = 1;
  const ranges: WireRange[] = [];
  let previous = LOWEST;
  while (r.remaining > 0) {
    if (isInfinity(previous)) malformed('range after infinity');
    const range = readRange(r, previous, from);
    if (range.mode === Mode.Skip && ranges[ranges.length - 1]?.mode === Mode.Skip) malformed('two Skips in a row');
    ranges.push(range);
    previous = range.upper;
  }
  if (ranges[ranges.length - 1]?.mode === Mode.Skip) malformed('message ends with a Skip');
  return ranges;
}

/**
 * Builds one message within a frame limit. Skips are lazy (merged, and dropped at the end); a group of
 * ranges is kept only if it leaves CONTINUE_RESERVE free, so a sender can always close with a Continue.
 */
export class MessageWriter {
  private readonly out: number[] = [SYNC_PROTOCOL_VERSION];
  private lastTime = 0;
  /** Upper bound of the last range written. */
  private written: Bound = LOWEST;
  /** Upper bound of the last range appended; beyond `written` it is a pending Skip. */
  private position: Bound = LOWEST;

  constructor(private readonly frameLimit: number) {}

  /** True when the message says more than "nothing to do". */
  get hasRanges(): boolean {
    return this.out.length > 1;
  }

  skip(upper: Bound): void {
    this.position = upper;
  }

  fingerprint(upper: Bound, fingerprint: Uint8Array, mode: typeof Mode.Fingerprint | typeof Mode.Continue = Mode.Fingerprint): void {
    this.head(upper, mode);
    this.bytes(fingerprint);
  }

  idList(upper: Bound, ids: readonly Uint8Array[]): void {
    this.head(upper, Mode.IdList);
    this.ids(ids);
  }

  idListReply(upper: Bound, ids: readonly Uint8Array[], listed: number, lacking: Uint8Array): void {
    this.head(upper, Mode.IdListReply);
    this.ids(ids);
    writeVarint(this.out, listed);
    this.bytes(lacking);
  }

  sum(upper: Bound, count: number, sum: Uint8Array): void {
    this.head(upper, Mode.Sum);
    writeVarint(this.out, count);
    this.bytes(sum);
  }

  mine(upper: Bound, id: Uint8Array): void {
    this.head(upper, Mode.Mine);
    this.bytes(id);
  }

  yours(upper: Bound, id: Uint8Array): void {
    this.head(upper, Mode.Yours);
    this.bytes(id.subarray(0, YOURS_PREFIX_BYTES));
  }

  /** Runs `write`; if the message would then leave less than CONTINUE_RESERVE free, undoes it and says so. */
  tryGroup(write: () => void): boolean {
    const mark = { size: this.out.length, lastTime: this.lastTime, written: this.written, position: this.position };
    write();
    if (this.out.length + CONTINUE_RESERVE <= this.frameLimit) return true;
    this.out.length = mark.size;
    this.lastTime = mark.lastTime;
    this.written = mark.written;
    this.position = mark.position;
    return false;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  private head(upper: Bound, mode: number): void {
    if (compareBounds(this.position, this.written) !== 0) this.bound(this.position, Mode.Skip);
    this.bound(upper, mode);
    this.position = upper;
  }

  private bound(b: Bound, mode: number): void {
    if (isInfinity(b)) {
      writeVarint(this.out, 0);
    } else {
      writeVarint(this.out, 1 + b.time - this.lastTime);
      this.lastTime = b.time;
    }
    writeVarint(this.out, mode + MODES * b.prefix.length);
    this.bytes(b.prefix);
    this.written = b;
  }

  private ids(ids: readonly Uint8Array[]): void {
    writeVarint(this.out, ids.length);
    for (const id of ids) this.bytes(id);
  }

  private bytes(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
  }
}
