import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { databaseName, deleteProfileDatabase } from '../../src/node/profile.ts';
import { openStore } from '../../src/store/store.ts';

describe('deleting a profile', () => {
  it('removes its database: reopened, the profile holds nothing (no device key, no meta)', async () => {
    const factory = new IDBFactory();
    const store = await openStore(databaseName('lost'), { factory });
    await store.setMeta('identity', { name: 'alice' });
    const other = await openStore(databaseName('kept'), { factory });
    await other.setMeta('identity', { name: 'bob' });
    store.close();
    await deleteProfileDatabase('lost', factory);
    const reopened = await openStore(databaseName('lost'), { factory });
    expect(await reopened.getMeta('identity')).toBeUndefined();
    // Only that profile: another one in the same browser keeps everything.
    expect(await other.getMeta('identity')).toEqual({ name: 'bob' });
  });
});
