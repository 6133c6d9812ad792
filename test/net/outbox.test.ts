import { describe, expect, it } from 'vitest';
import type { ContextId, DeviceId } from '../../src/core/ids.ts';
import { MemoryBus } from '../../src/net/memory-transport.ts';
import type { Delivery } from '../../src/net/transport.ts';
import { seededRandom } from '../support/node-net.ts';
import { ticketFor } from '../support/ticket.ts';

const CONTEXT = 'ctx-outbox' as ContextId;
const SECRET = new Uint8Array(32).fill(3);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the outbox: payloads that reached nobody', () => {
  it('go out again when a peer joins the topic, in order, and only then', async () => {
    const bus = new MemoryBus();
    const a = bus.connect('dev-a' as DeviceId, seededRandom('a'));
    a.join(CONTEXT, SECRET);
    await a.publishAcks(CONTEXT, [Uint8Array.of(1)], ticketFor(CONTEXT));
    await a.publish(CONTEXT, [Uint8Array.of(2)], ticketFor(CONTEXT));
    await a.publishAcks(CONTEXT, [Uint8Array.of(3)], ticketFor(CONTEXT));
    const b = bus.connect('dev-b' as DeviceId, seededRandom('b'));
    const got: Delivery[] = [];
    b.onDelivery((d) => got.push(d));
    await tick();
    expect(got).toEqual([]);
    b.join(CONTEXT, SECRET);
    for (let k = 0; k < 5; k++) await tick();
    expect(got.map((d) => [...d.acks.map((x) => x[0]), ...d.facts.map((x) => x[0])])).toEqual([[1], [2], [3]]);
    // Once delivered they are gone: a third device joining later gets nothing from the outbox.
    const c = bus.connect('dev-c' as DeviceId, seededRandom('c'));
    const late: Delivery[] = [];
    c.onDelivery((d) => late.push(d));
    c.join(CONTEXT, SECRET);
    for (let k = 0; k < 5; k++) await tick();
    expect(late).toEqual([]);
  });

  it('keep at most 256 payloads per topic and count what they drop', async () => {
    const bus = new MemoryBus();
    const a = bus.connect('dev-a' as DeviceId, seededRandom('a'));
    a.join(CONTEXT, SECRET);
    for (let k = 0; k < 260; k++) await a.publishAcks(CONTEXT, [Uint8Array.of(k & 0xff)], ticketFor(CONTEXT));
    expect(a.status().dropped).toMatchObject({ 'outbox-overflow': 4 });
    const b = bus.connect('dev-b' as DeviceId, seededRandom('b'));
    const got: number[] = [];
    b.onDelivery((d) => got.push(...d.acks.map((x) => x[0]!)));
    b.join(CONTEXT, SECRET);
    for (let k = 0; k < 5; k++) await tick();
    expect(got).toHaveLength(256);
    expect(got[0]).toBe(4);
  });

  it('a payload its ticket does not cover never leaves, and is counted', async () => {
    const bus = new MemoryBus();
    const wire: string[] = [];
    bus.onWire = (from) => wire.push(from);
    const a = bus.connect('dev-a' as DeviceId, seededRandom('a'));
    const b = bus.connect('dev-b' as DeviceId, seededRandom('b'));
    const got: Delivery[] = [];
    b.onDelivery((d) => got.push(d));
    a.join(CONTEXT, SECRET);
    b.join(CONTEXT, SECRET);
    await tick();
    const one = ticketFor(CONTEXT, 1);
    await a.publishAcks(CONTEXT, [Uint8Array.of(1)], one);
    await a.publishAcks(CONTEXT, [Uint8Array.of(2)], one);
    await a.publish(CONTEXT, [Uint8Array.of(3)], ticketFor('another' as ContextId));
    for (let k = 0; k < 5; k++) await tick();
    expect(got.map((d) => d.acks[0]![0])).toEqual([1]);
    expect(wire).toEqual(['dev-a']);
    expect(a.status().dropped).toMatchObject({ 'uncharged-send': 2 });
  });
});
