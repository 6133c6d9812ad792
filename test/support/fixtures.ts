import { sha256 } from '@noble/hashes/sha2.js';
import { deviceKeyFromSeed, type DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { utf8 } from '../../src/core/encoding/bytes.ts';
import { createFact } from '../../src/core/facts/create.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { hlcTick, type Hlc } from '../../src/core/facts/hlc.ts';
import type { BodyOf, FactKind } from '../../src/core/facts/kinds/index.ts';
import type { AuthorityId, Namespace } from '../../src/core/ids.ts';

const keys = new Map<string, DeviceKey>();

/** Deterministic device keys for tests: the same label always gives the same key. */
export function deviceKey(label: string | number): DeviceKey {
  const k = String(label);
  let key = keys.get(k);
  if (!key) {
    key = deviceKeyFromSeed(sha256(utf8.encode(`aura-test-device-${k}`)));
    keys.set(k, key);
  }
  return key;
}

/** Writes signed facts for one device of one authority into one namespace, with a fake clock. */
export class Writer {
  private clock: Hlc = { wall: 1_700_000_000_000, logical: 0 };
  constructor(
    readonly key: DeviceKey,
    readonly author: AuthorityId,
    readonly ns: Namespace,
  ) {}

  /** Advances the fake clock by `ms` (0 = same millisecond, bumps the logical counter). */
  at(ms: number): this {
    this.clock = hlcTick(this.clock, this.clock.wall + ms);
    return this;
  }

  /** The wall time of the last fact written (or the start time). */
  get wall(): number {
    return this.clock.wall;
  }

  setWall(wall: number): this {
    this.clock = { wall, logical: 0 };
    return this;
  }

  fact<K extends FactKind>(kind: K, body: BodyOf<K>): ValidatedFact<K> {
    this.clock = hlcTick(this.clock, this.clock.wall + 1);
    return createFact(this.key, { ns: this.ns, kind, author: this.author, time: this.clock, body });
  }
}
