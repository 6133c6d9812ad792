import { describe, expect, it } from 'vitest';
import { encodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import { dropped, droppedLike } from '../support/adversary.ts';
import { deviceKey } from '../support/fixtures.ts';
import { guarded, idOf } from '../support/guardians-net.ts';
import { until } from '../support/node-net.ts';

/** Bob's own guardian channel to alice's other guardians, used as a hostile fellow guardian would. */
const shareCode = (p: Awaited<ReturnType<typeof guarded>>['bob'], ward: string, code: string) =>
  (p.node.guardians as unknown as { wardsOf: { shareCode(w: string, c: string): void } }).wardsOf.shareCode(ward, code);

describe('a fellow guardian shares recovery codes', () => {
  it('junk is a counted drop; a flood of codes is bounded and counted; nothing is re-shared to a device no recovery proves', async () => {
    const { alice, bob, dave } = await guarded(0);
    const ward = idOf(alice);
    shareCode(bob, ward, 'not a code');
    await until(() => droppedLike(dave, 'guardians:BadCode') === 1, 'dave counts the junk code');

    const codes = Array.from({ length: 20 }, (_, i) =>
      encodeRendezvousCode({ purpose: 'recover', secret: new Uint8Array(32).fill(i + 1), expires: Date.now() + 60_000, from: 'alice', device: deviceKey(`fake-${i}`).deviceId }),
    );
    for (const c of codes) shareCode(bob, ward, c);
    shareCode(bob, ward, codes[0]!);
    await until(() => dropped(dave, 'guardians:TooManyCodes') === 4, 'dave follows at most 16 codes and counts the rest');
    // Followed codes are not requests this person entered, and no device proved a recovery: nothing to answer, nothing shared.
    expect(dave.node.guardians.helps()).toEqual([]);
    expect(dave.node.guardians.recoveries().every((r) => r.status.state.type !== 'Committed')).toBe(true);
    // The honest channel still works: dave still guards alice with his share.
    expect(dave.node.guardians.wards()).toMatchObject([{ authority: ward, holdsShare: true }]);
  }, 120_000);
});
