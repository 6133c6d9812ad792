import { describe, expect, it } from 'vitest';
import { encodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import { NodeError } from '../../src/node/api.ts';
import { errorText } from '../../src/ui/error-text.ts';
import { MemoryBus, peerOn } from '../support/node-net.ts';

/** What the node throws for a code, as a person reads it. */
function refusal(enter: () => unknown): string {
  try {
    enter();
  } catch (e) {
    expect(e).toBeInstanceOf(NodeError);
    return errorText(e);
  }
  throw new Error('the code was taken');
}

describe('error text for refused codes', () => {
  it('says why a contact code was refused in one sentence, for both kinds of code, without naming a device', async () => {
    const bob = await peerOn(new MemoryBus(), 'bob');
    const expired = encodeRendezvousCode({ purpose: 'invite', secret: new Uint8Array(32).fill(1), expires: Date.now() - 1 });
    const enroll = encodeRendezvousCode({ purpose: 'enroll', secret: new Uint8Array(32).fill(2), expires: Date.now() + 60_000 });
    expect(refusal(() => bob.node.contacts.acceptCode(expired))).toBe('That code cannot be used: this code has expired. Ask whoever gave it to you for a new one.');
    expect(refusal(() => bob.node.contacts.acceptCode(enroll))).toBe('That code cannot be used: that code is not an invitation. Ask whoever gave it to you for a new one.');
    expect(refusal(() => bob.node.contacts.acceptCode('hello'))).toMatch(/^That code cannot be used: [^.]+\. Ask whoever gave it to you for a new one\.$/);
    await bob.node.close();
  });
});
