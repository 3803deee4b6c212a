// Restart to serving within 10 s for 100,000 points: the all-in-one process is killed with -9
// after ingesting 100,000 points, started again, and must answer an exact count and a correct
// search within 10 seconds of being started.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pid, denseVectors, idOf, toPayload } from '../support/wire.ts';
import { Cluster } from './harness.ts';

const POINTS = 100_000;
const DIM = 16;
let cluster: Cluster | undefined;
after(async () => cluster?.stop());

const vectorOf = (i: number) => Array.from({ length: DIM }, (_, d) => Math.cos(i * 0.01 + d * 1.3) * ((i % 97) + 1));

test('after kill -9, 100,000 points are served again within 10 s', { timeout: 300_000 }, async () => {
  cluster = await Cluster.start('all-in-one');
  const client = cluster.client(cluster.writePort);
  await client.api('collections').create({ collectionName: 'big', vectorsConfig: { config: { case: 'params', value: { size: BigInt(DIM), distance: 2 } } } });
  for (let from = 0; from < POINTS; from += 2000) {
    const points = Array.from({ length: 2000 }, (_, k) => ({ id: pid(BigInt(from + k)), vectors: denseVectors(vectorOf(from + k)), payload: toPayload({ i: BigInt(from + k) }) }));
    await client.api('points').upsert({ collectionName: 'big', wait: from + 2000 === POINTS, points });
  }
  assert.equal((await client.api('points').count({ collectionName: 'big' })).result?.count, BigInt(POINTS));

  const member = cluster.members.get('all-in-one')!;
  await member.kill();
  const started = performance.now();
  await member.start();
  const count = (await client.api('points').count({ collectionName: 'big' })).result?.count;
  const found = await client.api('points').search({ collectionName: 'big', vector: vectorOf(12_345), limit: 1n });
  const elapsed = performance.now() - started;
  console.log(`restart to serving ${POINTS} points: ${elapsed.toFixed(0)} ms`);
  assert.equal(count, BigInt(POINTS));
  assert.equal(idOf(found.result[0].id), 12_345n);
  assert.ok(elapsed < 10_000, `served again after ${elapsed.toFixed(0)} ms`);
});
