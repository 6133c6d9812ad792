import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { compareStrings } from '../../src/core/compare.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { validateFact } from '../../src/core/facts/validate.ts';
import { budgetKey, flowBudget } from '../../src/core/flow/flow-budget.ts';
import { authorityNamespace, contextNamespace } from '../../src/core/ids.ts';
import { compareFacts } from '../../src/core/reduce/stamp.ts';
import { StoreError } from '../../src/store/errors.ts';
import type { StoredFact } from '../../src/store/fact-record.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { mixedFacts } from '../support/mixed-facts.ts';

const T0 = { wall: 1_700_000_000_000, logical: 0 };
const ada = createGenesis(deviceKey('ada'), new Uint8Array(16), T0, 'Ada');
const bob = createGenesis(deviceKey('bob'), new Uint8Array(16).fill(1), T0, 'Bob');
const room = contextNamespace('room');
const adaInRoom = new Writer(deviceKey('ada'), ada.fact.author, room);
const bobInRoom = new Writer(deviceKey('bob'), bob.fact.author, room);
const channel = adaInRoom.fact('chat.channel', { name: 'general' });
const messages = Array.from({ length: 6 }, (_, i) =>
  (i % 2 ? bobInRoom : adaInRoom).at(i % 3).fact('chat.message', { channel: channel.id, text: `hello ${i}`, ack: false }),
);
const all: ValidatedFact[] = [ada, bob, channel, ...messages];

let n = 0;
const fresh = (): Promise<AuraStore> => openStore(`facts-${n++}`, { factory: new IDBFactory() });

/** The order loadFacts promises: namespace, then order time, then FactId. */
function expectedOrder(facts: readonly ValidatedFact[]): string[] {
  const unique = [...new Map(facts.map((f) => [f.id, f])).values()];
  return unique.sort((a, b) => compareStrings(a.fact.ns, b.fact.ns) || compareFacts(a, b)).map((f) => f.id);
}

async function failure(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

describe('appendFacts', () => {
  it('stores each fact as its canonical bytes plus index fields, and the bytes validate to the same fact', async () => {
    const store = await fresh();
    expect(await store.appendFacts(all)).toEqual(all.map((f) => f.id));
    const stored = await store.loadFacts();
    expect(stored).toHaveLength(all.length);
    for (const s of stored) {
      const original = all.find((f) => f.id === s.id)!;
      expect(Object.keys(s).sort()).toEqual(['bytes', 'device', 'id', 'kind', 'logical', 'ns', 'wall']);
      expect(s).toMatchObject({ ns: original.fact.ns, wall: original.fact.time.wall, logical: original.fact.time.logical, device: original.fact.device, kind: original.fact.kind });
      expect(validateFact(s.bytes).id).toBe(s.id);
      // Exactly the fact's bytes are stored, not the encoder's pooled buffer around them.
      expect(s.bytes.buffer.byteLength).toBe(s.bytes.byteLength);
    }
    store.close();
  });

  it('writes a fact repeated in a batch once and returns only the ids that were new, in batch order', async () => {
    const store = await fresh();
    expect(await store.appendFacts([channel, ada, channel, ada])).toEqual([channel.id, ada.id]);
    expect(await store.appendFacts([ada, ...messages, channel, bob])).toEqual([...messages.map((m) => m.id), bob.id]);
    expect(await store.appendFacts(all)).toEqual([]);
    expect(await store.countFacts()).toBe(all.length);
    expect(await store.appendFacts([])).toEqual([]);
    store.close();
  });

  it('any split into batches, in any order, with repeats: the union is stored and each id is reported new exactly once', async () => {
    const { authority, context } = mixedFacts(120, 4);
    const pool = [...authority, ...context, ada, bob];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 40 }), { maxLength: 8 }), async (batches) => {
        const store = await fresh();
        const reported: string[] = [];
        for (const b of batches) reported.push(...(await store.appendFacts(b.map((i) => pool[i]!))));
        const written = batches.flat().map((i) => pool[i]!);
        expect([...reported].sort()).toEqual([...new Set(written.map((f) => f.id))].sort());
        expect((await store.loadFacts()).map((f) => f.id)).toEqual(expectedOrder(written));
        store.close();
      }),
      { numRuns: 60 },
    );
  });
});

describe('reads', () => {
  it('loadFacts orders by namespace then order time then FactId; loadNamespace, namespaces and hasFact agree', async () => {
    const store = await fresh();
    await store.appendFacts([...all].reverse());
    const loaded = await store.loadFacts();
    expect(loaded.map((f) => f.id)).toEqual(expectedOrder(all));
    const byNs = (ns: string): StoredFact[] => loaded.filter((f) => f.ns === ns);
    expect(await store.loadNamespace(room)).toEqual(byNs(room));
    expect((await store.loadNamespace(authorityNamespace(ada.fact.author))).map((f) => f.id)).toEqual([ada.id]);
    expect(await store.loadNamespace(contextNamespace('elsewhere'))).toEqual([]);
    expect(await store.namespaces()).toEqual([...new Set(all.map((f) => f.fact.ns))].sort(compareStrings));
    expect(await store.hasFact(channel.id)).toBe(true);
    expect(await store.hasFact(ada.id.replace(/.$/, 'x'))).toBe(false);
    store.close();
  });

  it('namespaces of an empty store is empty', async () => {
    const store = await fresh();
    expect(await store.namespaces()).toEqual([]);
    expect(await store.loadFacts()).toEqual([]);
    store.close();
  });
});

describe('local state committed with the facts', () => {
  it('budgets are merged with the stored budget by core merge, meta and ack tracking are written', async () => {
    const store = await fresh();
    const key = budgetKey('room', bob.fact.author, 1);
    const other = budgetKey('room', ada.fact.author, 1);
    await store.appendFacts([messages[0]!], {
      budgets: [{ key, peer: bob.fact.author, budget: flowBudget(100, 10, 1) }],
      meta: [['lastSent', messages[0]!.id]],
      trackAcks: [{ factId: messages[0]!.id, expected: [bob.fact.author] }],
    });
    await store.appendFacts([messages[1]!], {
      budgets: [
        { key, peer: bob.fact.author, budget: flowBudget(80, 5, 1) },
        { key, peer: bob.fact.author, budget: flowBudget(90, 20, 1) },
        { key: other, peer: ada.fact.author, budget: flowBudget(50, 1, 1) },
      ],
    });
    expect(await store.loadBudgets()).toEqual(
      new Map([
        [key, flowBudget(80, 20, 1)],
        [other, flowBudget(50, 1, 1)],
      ]),
    );
    // A newer epoch wins outright under merge.
    await store.appendFacts([], { budgets: [{ key, peer: bob.fact.author, budget: flowBudget(100, 0, 2) }] });
    expect((await store.loadBudgets()).get(key)).toEqual(flowBudget(100, 0, 2));
    expect(await store.getMeta('lastSent')).toBe(messages[0]!.id);
    expect(await store.expectedAcks(messages[0]!.id)).toEqual([bob.fact.author]);
    store.close();
  });
});

describe('atomic batches', () => {
  const proto = globalThis.IDBObjectStore.prototype;
  const originalAdd = proto.add;
  afterEach(() => {
    proto.add = originalAdd;
  });

  /** Makes the k-th `add` from now abort its transaction once it has succeeded: the batch is half written. */
  function abortAfterAdd(k: number, abort: (tx: IDBTransaction) => void): void {
    let calls = 0;
    proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      const request = originalAdd.apply(this, args);
      if (++calls === k) request.addEventListener('success', () => abort(this.transaction));
      return request;
    };
  }

  async function expectNothingOf(store: AuraStore, before: number): Promise<void> {
    expect(await store.countFacts()).toBe(before);
    expect(await store.loadBudgets()).toEqual(new Map());
    expect(await store.trackedFactIds()).toEqual([]);
    expect(await store.getMeta('m')).toBeUndefined();
  }

  const extra = {
    budgets: [{ key: budgetKey('room', bob.fact.author, 1), peer: bob.fact.author, budget: flowBudget(9, 1, 1) }],
    trackAcks: [{ factId: messages[0]!.id, expected: [bob.fact.author] }],
  };

  it('a value that cannot be stored (a function in meta) leaves no fact of the batch and is WriteFailed', async () => {
    const store = await fresh();
    await store.appendFacts([ada]);
    const e = await failure(store.appendFacts(all, { ...extra, meta: [['m', () => 1]] }));
    expect(e.code).toBe('WriteFailed');
    expect((e.cause as Error).name).toBe('DataCloneError');
    await expectNothingOf(store, 1);
    // The store stays usable, and the retried batch is wholly new.
    expect(await store.appendFacts(all)).toEqual(all.filter((f) => f !== ada).map((f) => f.id));
    store.close();
  });

  it('a fact that cannot be stored in the middle of the batch leaves none of the batch', async () => {
    const store = await fresh();
    const poisoned = { ...messages[2]!, bytes: (() => 0) as unknown as Uint8Array };
    const e = await failure(store.appendFacts([channel, messages[0]!, poisoned, messages[3]!], extra));
    expect(e.code).toBe('WriteFailed');
    await expectNothingOf(store, 0);
    store.close();
  });

  it('a transaction that dies after part of the batch was written (tab killed) leaves no partial facts', async () => {
    const store = await fresh();
    abortAfterAdd(3, (tx) => tx.abort());
    const e = await failure(store.appendFacts(all, { ...extra, meta: [['m', 1]] }));
    expect(e.code).toBe('WriteFailed');
    proto.add = originalAdd;
    await expectNothingOf(store, 0);
    expect(await store.appendFacts(all)).toEqual(all.map((f) => f.id));
    store.close();
  });

  it('running out of quota mid-batch is QuotaExceeded and leaves nothing', async () => {
    const store = await fresh();
    // fake-indexeddb's internal abort-with-error is how a browser aborts a transaction over quota.
    abortAfterAdd(2, (tx) => (tx as unknown as { _abort(name: string): void })._abort('QuotaExceededError'));
    const e = await failure(store.appendFacts(all, extra));
    expect(e.code).toBe('QuotaExceeded');
    proto.add = originalAdd;
    await expectNothingOf(store, 0);
    store.close();
  });
});
