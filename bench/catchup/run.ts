import { IDBFactory } from 'fake-indexeddb';
import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { decodeJoinCode } from '../../src/core/facts/join-code.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { MemoryBus } from '../../src/net/memory-transport.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import { webCryptoSigner } from '../../src/node/webcrypto-sign.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { openStore } from '../../src/store/store.ts';
import { rawCosts } from './raw.ts';

/**
 * `npm run bench:catchup` (issue 13): a second device joins a channel holding N messages; the time from
 * `joinChannel` until it holds all N, beside the raw costs of the same facts measured in the same run (bytes
 * over an in-memory frame channel, WebCrypto verification, one batched IndexedDB put) and their ratio. Both
 * nodes sign and verify with WebCrypto, as in a browser, over the in-memory bus with fake-indexeddb. Also
 * counted: sync sessions opened (both sides) and acks the new device published. BENCH_CATCHUP_N: a comma list
 * of N (default 1000,10000).
 */
const NS = (process.env.BENCH_CATCHUP_N ?? '1000,10000').split(',').map(Number);

let seq = 0;
async function device(bus: MemoryBus, name: string) {
  const profile = `${name}-${seq++}`;
  const store = await openStore(`aura-${profile}`, { factory: new IDBFactory() });
  const seed = crypto.getRandomValues(new Uint8Array(32));
  await store.putDeviceSeed(seed);
  const transport = bus.connect(deviceKeyFromSeed(seed).deviceId, (n) => crypto.getRandomValues(new Uint8Array(n)));
  let sessions = 0;
  const open = transport.openSync.bind(transport);
  transport.openSync = (peer) => (sessions++, open(peer));
  let acks = 0;
  const publishAcks = transport.publishAcks.bind(transport);
  transport.publishAcks = (c, a, t) => ((acks += a.length), publishAcks(c, a, t));
  const node = await AuraNode.open({
    profile,
    store,
    now: Date.now,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    transport,
    flowLimit: 1e9,
    verify: webCryptoVerifier(),
    signer: (key) => webCryptoSigner(key),
  });
  await node.createIdentity(name);
  return { node, store, counts: () => ({ sessions, acks }) };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('catch-up timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const n of NS) {
  const bus = new MemoryBus();
  const a = await device(bus, 'alice');
  const ch = await a.node.createChannel('history');
  for (let i = 0; i < n; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) => a.node.sendMessage(ch, `message ${i + k}`.padEnd(40, '.'))));
  }
  const code = a.node.joinCode(ch);
  const ns = contextNamespace(decodeJoinCode(code).context);
  const facts = (await a.store.loadNamespace(ns)).map((f) => f.bytes);

  const b = await device(bus, 'bob');
  const t0 = performance.now();
  await b.node.joinChannel(code);
  await until(() => b.node.messages(ch).data.length >= n, 600_000);
  const catchupMs = performance.now() - t0;
  const { sessions, acks } = b.counts();
  const aSessions = a.counts().sessions;
  await Promise.all([a.node.close(), b.node.close()]);

  const raw = await rawCosts(facts);
  const rawSumMs = raw.bytesMs + raw.verifyMs + raw.putMs;
  const r = (x: number) => Math.round(x);
  console.log(
    JSON.stringify({
      bench: 'catchup',
      n,
      facts: facts.length,
      catchupMs: r(catchupMs),
      msgPerS: r((n * 1000) / catchupMs),
      rawBytesMs: r(raw.bytesMs),
      rawVerifyMs: r(raw.verifyMs),
      rawPutMs: r(raw.putMs),
      rawSumMs: r(rawSumMs),
      ratio: Number((catchupMs / rawSumMs).toFixed(1)),
      sessionsOpened: sessions + aSessions,
      acksPublished: acks,
    }),
  );
}
