// npm run bench:filtered: filtered search on a seeded 128-d set (BENCH_POINTS points, 100,000 by
// default): recall@10 against brute force over the matching points (computed here) and p50
// latency, for a filter matching 1% and one matching 50% of the points, first without a payload
// index, then with one. quiver runs as its own process (all-in-one), default HNSW settings
// (full_scan_threshold 10,000 KB = 20,000 points at 128-d), through the official client.
import os from 'node:os';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { FieldType, type FilterSchema } from '@qdrant/js-client-grpc';
import { bruteForce, clusteredVectors } from '../test/support/data.ts';
import { denseVectors, idOf, pid, toPayload } from '../test/support/wire.ts';
import { printTable, withBenchQuiver } from './quiver-process.ts';
import { ms, percentile, timeEach } from './stats.ts';

const N = Number(process.env.BENCH_POINTS ?? 100_000);
const DIM = 128;
const QUERIES = 100;
const C = 'filtered';

console.log(`data: ${N} x ${DIM} (seeded Gaussian mixture), ${QUERIES} queries per filter; node ${process.version}, ${os.cpus().length} cores`);
const all = clusteredVectors(N + QUERIES, DIM, 3);
const vectors = all.slice(0, N);
const queries = all.slice(N);
// Payload fields: `one` is "yes" on 1% of the points, `half` is "a" on 50%, spread over the data.
const payloadOf = (i: number) => ({ one: i % 100 === 37 ? 'yes' : 'no', half: i % 2 === 0 ? 'a' : 'b', n: BigInt(i % 1000) });

const keyword = (key: string, value: string): MessageInitShape<typeof FilterSchema> => ({
  must: [{ conditionOneOf: { case: 'field', value: { key, match: { matchValue: { case: 'keyword', value } } } } }],
});
const filters = [
  { name: '1%', filter: keyword('one', 'yes'), matches: (i: number) => payloadOf(i).one === 'yes' },
  { name: '50%', filter: keyword('half', 'a'), matches: (i: number) => payloadOf(i).half === 'a' },
];
const truths = filters.map((f) => {
  const matching = vectors.map((_, i) => i).filter(f.matches);
  const subset = matching.map((i) => vectors[i]);
  return queries.map((query) => new Set(bruteForce('Euclid', query, subset, 10).map(([j]) => BigInt(matching[j]))));
});

const rows: string[][] = [];
await withBenchQuiver('bench-filtered', C, DIM, async (client) => {
  for (let from = 0; from < N; from += 1000) {
    const points = Array.from({ length: Math.min(1000, N - from) }, (_, k) => ({
      id: pid(BigInt(from + k)), vectors: denseVectors(vectors[from + k]), payload: toPayload(payloadOf(from + k)),
    }));
    await client.api('points').upsert({ collectionName: C, wait: from + 1000 >= N, points });
  }
  while ((await client.api('collections').get({ collectionName: C })).result?.indexedVectorsCount !== BigInt(N)) await new Promise((r) => setTimeout(r, 50));

  const measure = async (label: string) => {
    for (const [f, { name, filter }] of filters.entries()) {
      let recall = 0;
      const samples = await timeEach(QUERIES, async (i) => {
        const res = await client.api('points').search({ collectionName: C, vector: queries[i], limit: 10n, filter });
        recall += res.result.filter((p) => truths[f][i].has(idOf(p.id) as bigint)).length / 10 / QUERIES;
      });
      rows.push([`filter ${name}, ${label}`, recall.toFixed(3), ms(percentile(samples, 50))]);
    }
  };
  await measure('no payload index');
  for (const fieldName of ['one', 'half']) {
    await client.api('points').createFieldIndex({ collectionName: C, fieldName, fieldType: FieldType.FieldTypeKeyword, wait: true });
  }
  await measure('keyword index');
});

const header = ['filtered search top-10', 'recall@10', 'p50'];
printTable(header, rows);
