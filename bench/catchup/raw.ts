import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { validateFactWith } from '../../src/core/facts/validate.ts';
import { packBytes } from '../../src/protocols/sync/frames.ts';
import { memoryChannelPair } from '../../src/net/memory-frames.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';

/**
 * The raw costs a catch-up of these facts cannot avoid, each measured alone (ms): the bytes over an
 * in-memory frame channel (the Node stand-in for a raw data channel: the MemoryBus under the nodes is the
 * same kind of queue), WebCrypto verification of every fact (all at once, as the node batches them), and
 * one IndexedDB transaction putting every record (fake-indexeddb, as the nodes' stores).
 */
export async function rawCosts(facts: readonly Uint8Array[]): Promise<{ bytesMs: number; verifyMs: number; putMs: number }> {
  let t = performance.now();
  const [tx, rx] = memoryChannelPair();
  const frames = packBytes(facts);
  const received = (async () => {
    let n = 0;
    for (let f = await rx.receive(); f !== null; f = await rx.receive()) n += f.length;
    return n;
  })();
  for (const group of frames) {
    const frame = new Uint8Array(group.reduce((s, b) => s + b.length, 0));
    let o = 0;
    for (const b of group) (frame.set(b, o), (o += b.length));
    await tx.send(frame);
  }
  await tx.close();
  await received;
  const bytesMs = performance.now() - t;

  const verifier = webCryptoVerifier();
  t = performance.now();
  await Promise.all(facts.map((f) => validateFactWith(f, verifier)));
  const verifyMs = performance.now() - t;

  const db = await openDB('raw-put', 1, { upgrade: (d) => void d.createObjectStore('facts', { keyPath: 'id' }) });
  t = performance.now();
  const put = db.transaction('facts', 'readwrite');
  for (const [i, bytes] of facts.entries()) void put.store.put({ id: i, bytes });
  await put.done;
  const putMs = performance.now() - t;
  db.close();
  return { bytesMs, verifyMs, putMs };
}
