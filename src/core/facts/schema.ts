import { isCid } from '../encoding/cid.ts';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { AuraError } from '../errors.ts';

/**
 * Tiny structural validators for decoded fact bodies. A schema either returns its input, now typed,
 * or throws SchemaError naming the path that is wrong.
 */
export class SchemaError extends AuraError<'Malformed'> {
  override readonly name = 'SchemaError';
  constructor(readonly path: string, message: string) {
    super('Malformed', `${path}: ${message}`);
  }
}

export type Schema<T> = (value: unknown, path: string) => T;
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** A lone surrogate would be encoded as U+FFFD: the signed text would differ from the text given. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function str(opts: { min?: number; max?: number } = {}): Schema<string> {
  const { min = 0, max = 1024 } = opts;
  return (v, p) => {
    if (typeof v !== 'string') throw new SchemaError(p, 'expected string');
    if (LONE_SURROGATE.test(v)) throw new SchemaError(p, 'not well-formed UTF-16');
    if (v.length < min || v.length > max) throw new SchemaError(p, `length must be ${min}..${max}`);
    return v;
  };
}

export function int(opts: { min?: number; max?: number } = {}): Schema<number> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = opts;
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new SchemaError(p, 'expected safe integer');
    if (v < min || v > max) throw new SchemaError(p, `must be ${min}..${max}`);
    return v;
  };
}

export const bool: Schema<boolean> = (v, p) => {
  if (typeof v !== 'boolean') throw new SchemaError(p, 'expected boolean');
  return v;
};

export function bytes(opts: { len?: number; max?: number } = {}): Schema<Uint8Array> {
  return (v, p) => {
    if (!(v instanceof Uint8Array)) throw new SchemaError(p, 'expected bytes');
    if (opts.len !== undefined && v.length !== opts.len) throw new SchemaError(p, `expected ${opts.len} bytes`);
    if (opts.max !== undefined && v.length > opts.max) throw new SchemaError(p, `at most ${opts.max} bytes`);
    return v;
  };
}

export function literal<const T extends readonly (string | number | boolean)[]>(...values: T): Schema<T[number]> {
  return (v, p) => {
    if (!values.includes(v as T[number])) throw new SchemaError(p, `expected one of ${values.join(', ')}`);
    return v as T[number];
  };
}

export function arr<T>(item: Schema<T>, opts: { max?: number; min?: number; unique?: boolean } = {}): Schema<T[]> {
  const { max = 256, min = 0 } = opts;
  return (v, p) => {
    if (!Array.isArray(v)) throw new SchemaError(p, 'expected array');
    if (v.length < min || v.length > max) throw new SchemaError(p, `length must be ${min}..${max}`);
    v.forEach((x, i) => item(x, `${p}[${i}]`));
    if (opts.unique && new Set(v).size !== v.length) throw new SchemaError(p, 'items must be unique');
    return v as T[];
  };
}

type Shape = Record<string, Schema<unknown>>;
type Optional<S extends Shape> = { [K in keyof S]?: Infer<S[K]> };
type Required<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/** An object with exactly these keys (optional ones may be absent); extra keys are malformed. */
export function obj<R extends Shape, O extends Shape = Record<never, never>>(
  required: R,
  optional?: O,
): Schema<Required<R> & Optional<O>> {
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
      throw new SchemaError(p, 'expected map');
    }
    const rec = v as Record<string, unknown>;
    for (const k of Object.keys(rec)) if (!known.has(k)) throw new SchemaError(`${p}.${k}`, 'unexpected field');
    for (const [k, s] of Object.entries(required)) {
      if (!(k in rec)) throw new SchemaError(`${p}.${k}`, 'missing');
      s(rec[k], `${p}.${k}`);
    }
    for (const [k, s] of Object.entries(optional ?? {})) if (k in rec) s(rec[k], `${p}.${k}`);
    return v as Required<R> & Optional<O>;
  };
}

/** A tagged union discriminated by `type`. */
export function union<M extends Record<string, Schema<unknown>>>(variants: M): Schema<Infer<M[keyof M]>> {
  return (v, p) => {
    const t = (v as { type?: unknown } | null)?.type;
    if (typeof t !== 'string' || !Object.hasOwn(variants, t)) throw new SchemaError(`${p}.type`, 'unknown variant');
    return variants[t]!(v, p) as Infer<M[keyof M]>;
  };
}

export const hash32: Schema<string> = (v, p) => {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new SchemaError(p, 'expected 32-byte hex hash');
  return v;
};

export const cid: Schema<string> = (v, p) => {
  if (typeof v !== 'string' || v.length > 100 || !isCid(v)) throw new SchemaError(p, 'expected CIDv1');
  return v;
};

export const deviceId: Schema<string> = (v, p) => {
  if (typeof v !== 'string' || v.length > 64 || publicKeyOfDevice(v) === null) {
    throw new SchemaError(p, 'expected Ed25519 DeviceId');
  }
  return v;
};

/** Short free-form identifiers (context ids, channel ids, package ids). */
export const ident: Schema<string> = str({ min: 1, max: 128 });
