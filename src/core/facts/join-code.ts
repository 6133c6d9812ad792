import type { WorkMeter } from '../encoding/cbor.ts';
import { CONTEXT_SECRET_BYTES } from '../crypto/context-keys.ts';
import { AuraError } from '../errors.ts';
import { journalOf, namespaceKind, type ContextId } from '../ids.ts';
import { decodeCodeText, encodeCodeText } from './code-text.ts';
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
  if (namespaceKind(journalOf(checked.c)) !== 'context') throw new JoinCodeError('Malformed', 'names an authority journal, not a context');
  if (LONE_SURROGATE.test(checked.c) || (checked.n !== undefined && LONE_SURROGATE.test(checked.n))) {
    throw new JoinCodeError('Malformed', 'text is not well-formed Unicode');
  }
  return checked;
}

export function encodeJoinCode(code: JoinCode): string {
  const value = { v: JOIN_CODE_VERSION, c: code.context, s: code.secret, ...(code.name === undefined ? {} : { n: code.name }) };
  checkSchema(value);
  return encodeCodeText(JOIN_CODE_PREFIX, value);
}

const TEXT_FAILURES = { WrongPrefix: 'NotAJoinCode', Corrupt: 'Corrupt', Malformed: 'Malformed' } as const;

/** Accepts surrounding whitespace and any letter case, nothing else: the text must be the one encoding. */
export function decodeJoinCode(text: string, meter?: WorkMeter): JoinCode {
  const value = decodeCodeText(JOIN_CODE_PREFIX, text, MAX_JOIN_CODE_CHARS, (why, message) => {
    throw new JoinCodeError(TEXT_FAILURES[why], message);
  }, meter);
  const v = (value as { v?: unknown } | null)?.v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v !== JOIN_CODE_VERSION) {
    throw new JoinCodeError('UnsupportedVersion', `v = ${v}`);
  }
  const { c, s, n } = checkSchema(value);
  return n === undefined ? { context: c, secret: s } : { context: c, secret: s, name: n };
}
