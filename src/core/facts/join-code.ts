import { sha256 } from '@noble/hashes/sha2.js';
import { base32 } from 'multiformats/bases/base32';
import { bytesEqual, concatBytes } from '../encoding/bytes.ts';
import { decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { CONTEXT_SECRET_BYTES } from '../crypto/context-keys.ts';
import { AuraError } from '../errors.ts';
import type { ContextId } from '../ids.ts';
import { SchemaError, bytes, ident, int, obj, str } from './schema.ts';

/**
 * A copyable invitation to a relational context: `aura-join:` + base32(CBOR ‖ checksum). Whoever holds it
 * holds the context secret, so it is shown once and shared out of band. The 4-byte checksum catches typos
 * before a mistyped code could be taken for another context.
 */
export interface JoinCode {
  readonly context: ContextId;
  readonly secret: Uint8Array;
  readonly name?: string;
}

export const JOIN_CODE_PREFIX = 'aura-join:';
export const JOIN_CODE_VERSION = 1;
const CHECKSUM_BYTES = 4;
/** Far above any code we make (a 64-character name is at most ~500 characters of code), far below real work. */
export const MAX_JOIN_CODE_CHARS = 4_096;

export type JoinCodeErrorCode = 'NotAJoinCode' | 'Corrupt' | 'Malformed' | 'UnsupportedVersion';

export class JoinCodeError extends AuraError<JoinCodeErrorCode> {
  override readonly name = 'JoinCodeError';
  constructor(code: JoinCodeErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}

/** One name per meaning: an absent name is omitted, never empty. */
const schema = obj(
  { v: int(), c: ident, s: bytes({ len: CONTEXT_SECRET_BYTES }) },
  { n: str({ min: 1, max: 64 }) },
);

/** A lone surrogate would be encoded as U+FFFD, so the code would silently name something else. */
const LONE_SURROGATE = /\p{Cs}/u;

function checkSchema(value: unknown): ReturnType<typeof schema> {
  let checked: ReturnType<typeof schema>;
  try {
    checked = schema(value, 'joinCode');
  } catch (e) {
    if (e instanceof SchemaError) throw new JoinCodeError('Malformed', e.message);
    throw e;
  }
  if (LONE_SURROGATE.test(checked.c) || (checked.n !== undefined && LONE_SURROGATE.test(checked.n))) {
    throw new JoinCodeError('Malformed', 'text is not well-formed Unicode');
  }
  return checked;
}

function checksum(body: Uint8Array): Uint8Array {
  return sha256(body).subarray(0, CHECKSUM_BYTES);
}

export function encodeJoinCode(code: JoinCode): string {
  const value = { v: JOIN_CODE_VERSION, c: code.context, s: code.secret, ...(code.name === undefined ? {} : { n: code.name }) };
  checkSchema(value);
  const body = encodeCanonical(value).slice();
  return JOIN_CODE_PREFIX + base32.baseEncode(concatBytes(body, checksum(body)));
}

/** Accepts surrounding whitespace and any letter case, nothing else: the text must be the one encoding. */
export function decodeJoinCode(text: string, meter?: WorkMeter): JoinCode {
  if (text.length > MAX_JOIN_CODE_CHARS) throw new JoinCodeError('Corrupt', `longer than ${MAX_JOIN_CODE_CHARS} characters`);
  const t = text.trim().toLowerCase();
  if (!t.startsWith(JOIN_CODE_PREFIX)) throw new JoinCodeError('NotAJoinCode', `expected "${JOIN_CODE_PREFIX}…"`);
  const b32 = t.slice(JOIN_CODE_PREFIX.length);
  let raw: Uint8Array;
  try {
    raw = base32.baseDecode(b32);
  } catch {
    throw new JoinCodeError('Corrupt', 'not base32');
  }
  // The decoder tolerates padding; refusing anything but the canonical text keeps one code per invitation.
  if (base32.baseEncode(raw) !== b32) throw new JoinCodeError('Corrupt', 'not canonical base32');
  if (raw.length <= CHECKSUM_BYTES) throw new JoinCodeError('Corrupt', 'too short');
  const body = raw.subarray(0, raw.length - CHECKSUM_BYTES);
  if (!bytesEqual(checksum(body), raw.subarray(raw.length - CHECKSUM_BYTES))) {
    throw new JoinCodeError('Corrupt', 'checksum mismatch');
  }
  let value: unknown;
  try {
    value = decodeCanonical<unknown>(body, meter);
  } catch (e) {
    throw new JoinCodeError('Malformed', (e as Error).message);
  }
  const v = (value as { v?: unknown } | null)?.v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v !== JOIN_CODE_VERSION) {
    throw new JoinCodeError('UnsupportedVersion', `v = ${v}`);
  }
  const { c, s, n } = checkSchema(value);
  return n === undefined ? { context: c, secret: s } : { context: c, secret: s, name: n };
}
