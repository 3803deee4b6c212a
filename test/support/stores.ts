// Shard stores for unit tests, closed (graph workers stopped) when the test file ends.
import { after } from 'node:test';
import { ShardStore, type ShardParams } from '../../libs/engine/index.ts';

/** A factory of empty stores with `params`; every store it makes is closed after the file's tests. */
export function storeFactory(params: ShardParams): () => ShardStore {
  const stores: ShardStore[] = [];
  after(async () => Promise.all(stores.map((s) => s.close())));
  return () => {
    const store = new ShardStore(params);
    stores.push(store);
    return store;
  };
}
