// The quiver a benchmark measures: the all-in-one entry point as its own process, with its own
// Redis key prefix and storage, removed again afterwards however the measurement ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { QdrantClient } from '@qdrant/js-client-grpc';
import { clientFor, spawnRole, untilServing, type ChildQuiver } from '../test/support/quiver.ts';
import { deletePrefix, freePort, testRedisUrl, uniquePrefix } from '../test/support/redis.ts';

/** Runs `measure` against a fresh all-in-one quiver holding one empty Euclid collection of `dim`. */
export async function withBenchQuiver(label: string, collection: string, dim: number, measure: (client: QdrantClient) => Promise<void>): Promise<void> {
  const redisUrl = await testRedisUrl();
  const prefix = uniquePrefix(label);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-bench-'));
  const port = await freePort();
  let quiver: ChildQuiver | undefined;
  try {
    quiver = spawnRole('all-in-one', {
      REDIS_URL: redisUrl, QUIVER__REDIS__PREFIX: prefix, QDRANT__STORAGE__STORAGE_PATH: storage,
      QDRANT__SERVICE__GRPC_PORT: String(port), QUIVER__INDEXER__PORT: '0',
    });
    await untilServing(quiver);
    const client = clientFor(port);
    await client.api('collections').create({
      collectionName: collection,
      vectorsConfig: { config: { case: 'params', value: { size: BigInt(dim), distance: 2 /* Euclid */ } } },
      hnswConfig: { m: 16n, efConstruct: 100n }, // Qdrant's defaults, spelled out: the raw hnswlib floor builds with the same
    });
    await measure(client);
  } finally {
    quiver?.child.kill('SIGTERM');
    await quiver?.exited;
    await deletePrefix(redisUrl, prefix);
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

/** Resolves once the collection is Green: nothing queued, every point in a graph, no compaction running. */
export async function untilGreen(client: QdrantClient, collection: string): Promise<void> {
  while ((await client.api('collections').get({ collectionName: collection })).result?.status !== 1 /* Green */) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Prints rows as left-aligned columns under `header`. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
}
