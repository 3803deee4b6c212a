// npm run bench: quiver's figures next to floors measured in the same run on the same data
// (a seeded 128-d set; BENCH_POINTS points, 100,000 by default), reported as ratios, since the
// machine's speed drifts between runs. quiver runs as its own process (the all-in-one entry
// point); the client is the official @qdrant/js-client-grpc with its defaults (gzip on).
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { bruteForce, clusteredVectors } from '../test/support/data.ts';
import { clientFor } from '../test/support/quiver.ts';
import { freePort, testRedisUrl } from '../test/support/redis.ts';
import { denseVectors, idOf, pid } from '../test/support/wire.ts';
import { queueRoundTrips } from './queue-floor.ts';
import { printTable, untilGreen, withBenchQuiver } from './quiver-process.ts';
import { ms, percentile, timeAlternately, timeEach } from './stats.ts';
import { spawn } from 'node:child_process';

const N = Number(process.env.BENCH_POINTS ?? 100_000);
const DIM = 128;
const EF = 64;
const QUERIES = 200;
const rows: string[][] = [];
const report = (what: string, quiver: string, floor: string, ratio: number | undefined) =>
  rows.push([what, quiver, floor, ratio === undefined ? '' : `${ratio.toFixed(2)}x`]);

console.log(`data: ${N} x ${DIM} (seeded Gaussian mixture, 1,000 centres), ${QUERIES} queries, ef=${EF}; node ${process.version}, ${os.cpus().length} cores`);
const all = clusteredVectors(N + QUERIES, DIM, 1);
const vectors = all.slice(0, N);
const queries = all.slice(N);
const truths = queries.map((query) => new Set(bruteForce('Euclid', query, vectors, 10).map(([j]) => BigInt(j))));
const recallOf = (i: number, found: bigint[]) => found.filter((id) => truths[i].has(id)).length / 10;

// Floor 1: raw hnswlib-node in this process (build and search).
const raw = new hnswlib.HierarchicalNSW('l2', DIM);
raw.initIndex({ maxElements: N, m: 16, efConstruction: 100, randomSeed: 100 });
let t = performance.now();
for (let i = 0; i < N; i++) raw.addPoint(vectors[i], i);
const rawBuildMs = performance.now() - t;
raw.setEf(EF);
let rawRecall = 0;
const rawSearch = await timeEach(QUERIES, async (i) => {
  rawRecall += recallOf(i, raw.searchKnn(queries[i], 10).neighbors.map(BigInt)) / QUERIES;
});
console.log(`floor: hnswlib-node build ${ms(rawBuildMs)}, search p50 ${ms(percentile(rawSearch, 50))}, recall@10 ${rawRecall.toFixed(3)}`);

// Floor 2: the wire (a server that decodes and discards). Its requests alternate with quiver's
// below, one for one, so both see the same client (warm-up, garbage collection) and the same
// machine (other processes, and quiver's own background graph work, which slows both alike).
const floorPort = await freePort();
const floorServer = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'wire-floor-server.ts')], { env: { ...process.env, PORT: String(floorPort) }, stdio: 'ignore' });
floorServer.unref(); // it lives as long as this process, however that ends
process.on('exit', () => floorServer.kill());
await new Promise((r) => setTimeout(r, 1500));
const floorClient = clientFor(floorPort);
const batchOf = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => ({ id: pid(BigInt(from + k)), vectors: denseVectors(vectors[(from + k) % N]) }));
const floorUpsert = (points: ReturnType<typeof batchOf>) => floorClient.api('points').upsert({ collectionName: 'x', wait: true, points });
// A warm-up round first: the client's first requests run cold (its p50 over them was 20-30%
// higher than over the next rounds here).
await timeEach(30, () => floorUpsert(batchOf(0, 1000)));
await timeEach(200, (i) => floorUpsert(batchOf(i, 1)));

// Floor 3: a small BullMQ job's round trip (add, worker, completion seen by the producer) on the
// same Redis, carrying what a one-point upsert's operation carries.
const queueTrip = await queueRoundTrips(await testRedisUrl(), 200, Buffer.alloc(90).toString('base64'));

// quiver, all-in-one, in its own process.
await withBenchQuiver('bench', 'bench', DIM, async (client) => {

  // Sustained ingestion: wait=false in batches of 1,000 until every point is in the graph. Every
  // 10,000 points, a few searches check recall against brute force over the points then visible.
  t = performance.now();
  const duringRecall: number[] = [];
  for (let from = 0; from < N; from += 1000) {
    // Every 10,000 points the batch is sent with wait=true: then exactly the points sent so far
    // are visible (one shard, applied in order), and the searches' truth is brute force over them.
    const checkpoint = (from + 1000) % 10_000 === 0 && from + 1000 < N;
    await client.api('points').upsert({ collectionName: 'bench', wait: checkpoint, points: batchOf(from, Math.min(1000, N - from)) });
    if (checkpoint) {
      const visible = vectors.slice(0, from + 1000);
      for (let i = 0; i < 5; i++) {
        const res = await client.api('points').search({ collectionName: 'bench', vector: queries[i], limit: 10n, params: { hnswEf: BigInt(EF) } });
        const truth = new Set(bruteForce('Euclid', queries[i], visible, 10).map(([j]) => BigInt(j)));
        duringRecall.push(res.result.filter((p) => truth.has(idOf(p.id) as bigint)).length / 10);
      }
    }
  }
  const acknowledgedMs = performance.now() - t;
  while ((await client.api('points').count({ collectionName: 'bench' })).result?.count !== BigInt(N)) await new Promise((r) => setTimeout(r, 20));
  const appliedMs = performance.now() - t;
  while ((await client.api('collections').get({ collectionName: 'bench' })).result?.indexedVectorsCount !== BigInt(N)) await new Promise((r) => setTimeout(r, 20));
  const ingestMs = performance.now() - t;
  report(`ingest ${N} (wait=false, batches of 1,000) until indexed`, ms(ingestMs), `hnswlib build ${ms(rawBuildMs)}`, ingestMs / rawBuildMs);
  report('  all acknowledged / all applied (searchable)', `${ms(acknowledgedMs)} / ${ms(appliedMs)}`, '', undefined);
  const meanDuring = duringRecall.reduce((a, b) => a + b, 0) / Math.max(1, duringRecall.length);
  const during = duringRecall.length ? `${meanDuring.toFixed(3)} / ${Math.min(...duringRecall).toFixed(3)}` : 'none (fewer than 20,000 points)';
  report('  recall@10 of searches during ingestion (mean / min)', during, '', undefined);

  // Search: top-10 at ef=64.
  let recall = 0;
  const search = await timeEach(QUERIES, async (i) => {
    const res = await client.api('points').search({ collectionName: 'bench', vector: queries[i], limit: 10n, params: { hnswEf: BigInt(EF) } });
    recall += recallOf(i, res.result.map((p) => idOf(p.id) as bigint)) / QUERIES;
  });
  report('search top-10 p50 (ef=64)', ms(percentile(search, 50)), `hnswlib ${ms(percentile(rawSearch, 50))}`, percentile(search, 50) / percentile(rawSearch, 50));
  report('search recall@10 vs brute force', recall.toFixed(3), `hnswlib ${rawRecall.toFixed(3)}`, undefined);

  // Waited writes into the full collection (overwrites of existing ids).
  const [batch, floorBatch] = await timeAlternately(
    30,
    (i) => client.api('points').upsert({ collectionName: 'bench', wait: true, points: batchOf((i * 1000) % N, 1000) }),
    (i) => floorUpsert(batchOf((i * 1000) % N, 1000)),
  );
  report('upsert 1,000 wait=true p50', ms(percentile(batch, 50)), `wire ${ms(percentile(floorBatch, 50))}`, percentile(batch, 50) / percentile(floorBatch, 50));
  // One-point writes: right after the batches, when their overwrites may have started a compaction
  // (graphs rebuilt in the background), then again once the collection is Green. Where the time
  // goes: the reply's `time` is the server's own share; the rest is the client and the wire.
  const singles = async (when: string) => {
    const inServer: number[] = [];
    const [one, floorOne] = await timeAlternately(
      200,
      async (i) => {
        const reply = await client.api('points').upsert({ collectionName: 'bench', wait: true, points: batchOf(i, 1) });
        inServer.push(reply.time * 1000);
      },
      (i) => floorUpsert(batchOf(i, 1)),
    );
    report(`upsert 1 wait=true p50, ${when}`, ms(percentile(one, 50)), `wire ${ms(percentile(floorOne, 50))}`, percentile(one, 50) / percentile(floorOne, 50));
    report('  of which in the server (the reply\'s time), p50', ms(percentile(inServer, 50)), `BullMQ round trip ${ms(percentile(queueTrip, 50))}`, percentile(inServer, 50) / percentile(queueTrip, 50));
  };
  await singles('right after the batches');
  await untilGreen(client, 'bench');
  await singles('collection Green');
});
printTable(['measure', 'quiver', 'floor', 'ratio'], rows);
