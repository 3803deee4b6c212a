// Invariant 4 under kill -9: a seeded stream of upserts, overwrites and deletes with mixed wait
// runs while, at seeded moments, one process (indexer, ingress, query, the all-in-one, or Redis
// itself) is killed with SIGKILL and started again. Afterwards every write answered OK is there in
// its last acknowledged version (or a later unconfirmed one), deletes stay deleted, nothing
// unacknowledged appears from nowhere, and counts are exact. Bounded: a fixed number of writes.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Cluster, drained, rng, type Target, Workload } from './harness.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 20261124);
const WRITES = Number(process.env.CHAOS_WRITES ?? 600);
const KILLS = Number(process.env.CHAOS_KILLS ?? 6);
const clusters: Cluster[] = [];
after(async () => {
  for (const c of clusters) await c.stop();
});

async function chaos(topology: 'split' | 'all-in-one', targets: Target[], seed: number) {
  console.log(`chaos ${topology}: seed ${seed}, ${WRITES} writes, ${KILLS} kills of ${targets.join('/')}`);
  const cluster = await Cluster.start(topology);
  clusters.push(cluster);
  const writes = cluster.client(cluster.writePort);
  const reads = cluster.client(cluster.readPort);
  await writes.api('collections').create({ collectionName: 'chaos', vectorsConfig: { config: { case: 'params', value: { size: 8n, distance: 2 } } }, shardNumber: 2 });
  const workload = new Workload(seed, 150);
  const next = rng(seed + 1);
  const killAt = new Set(Array.from({ length: KILLS }, () => Math.floor(next() * WRITES)));
  const log: string[] = [];
  let recovery = 0;
  for (let i = 0; i < WRITES; i++) {
    if (killAt.has(i)) {
      const target = targets[Math.floor(next() * targets.length)];
      const member = cluster.members.get(target)!;
      const delayMs = next() * 8;
      log.push(`write ${i}: kill -9 ${target} after ${delayMs.toFixed(1)} ms`);
      // The kill lands while a write is in flight; writes go on while the process is down (they
      // fail, and count as unconfirmed); then it comes back. Nothing else is restarted: clients,
      // workers and subscribers reconnect on their own.
      const killing = new Promise((r) => setTimeout(r, delayMs)).then(() => member.kill());
      await workload.step(writes, 'chaos');
      await killing;
      const restart = member.start();
      for (let k = 0; k < 3; k++) await workload.step(writes, 'chaos');
      await restart;
      // Back in service: writes succeed again within 20 s of the process's return.
      const back = performance.now();
      while (!(await workload.step(writes, 'chaos'))) {
        assert.ok(performance.now() - back < 20_000, `writes still fail 20 s after ${target} came back (${log.join('; ')})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      recovery = Math.max(recovery, performance.now() - back);
    }
    await workload.step(writes, 'chaos');
  }
  await drained(writes, 'chaos').catch((err) => {
    throw new Error(`${err.message}; seed ${seed}: ${log.join('; ')}\n${cluster.report()}`);
  });
  const problems = await workload.verify(reads, writes, 'chaos');
  console.log(`${log.join('; ')}; writes: ${JSON.stringify(workload.stats)}; slowest return to service ${recovery.toFixed(0)} ms`);
  assert.deepEqual(problems, [], `seed ${seed}: ${log.join('; ')}`);
}

test('split roles: kill -9 of the indexer, the ingress, the query and Redis lose no acknowledged write', { timeout: 300_000 }, async () => {
  await chaos('split', ['indexer', 'ingress', 'query', 'redis'], SEED);
});

test('all-in-one: kill -9 of the process and of Redis lose no acknowledged write', { timeout: 300_000 }, async () => {
  await chaos('all-in-one', ['all-in-one', 'redis'], SEED + 7);
});
