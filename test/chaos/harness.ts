// Crash-test harness: quiver's processes and a private Redis (AOF on) as children that can be
// killed with SIGKILL and restarted on the same ports and directories, plus a seeded write
// workload that records, per point id, what a correct quiver may show after the dust settles.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QdrantClient } from '@qdrant/js-client-grpc';
import type { Role } from '../../libs/config/index.ts';
import { rng } from '../support/data.ts';
import { type ChildQuiver, spawnRole, untilServing } from '../support/quiver.ts';
import { freePort, type PrivateRedis, startPrivateRedis, uniquePrefix } from '../support/redis.ts';
import { denseVectors, enable, fromPayload, idOf, pid, toPayload } from '../support/wire.ts';

export type Target = 'redis' | 'all-in-one' | Role;

/** A process that can be killed -9 and started again as it was. */
export interface Restartable {
  kill(): Promise<void>;
  start(): Promise<void>;
  /** What the current incarnation printed (for failure reports). */
  output(): string;
}

export class Cluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-chaos-'));
  readonly prefix = uniquePrefix('chaos');
  readonly members = new Map<Target, Restartable>();
  redis!: PrivateRedis;
  writePort = 0;
  readPort = 0;

  static async start(topology: 'split' | 'all-in-one'): Promise<Cluster> {
    const cluster = new Cluster();
    const redisPort = await freePort();
    const redisDir = path.join(cluster.dir, 'redis');
    fs.mkdirSync(redisDir);
    const redis = {
      start: async () => {
        cluster.redis = await startPrivateRedis({ appendonly: true, dir: redisDir, port: redisPort });
      },
      kill: async () => {
        cluster.redis.kill();
        await new Promise((r) => setTimeout(r, 100));
      },
      output: () => '',
    };
    await redis.start();
    cluster.members.set('redis', redis);
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QUIVER__REDIS__PREFIX: cluster.prefix,
      QUIVER__REDIS__AUTOSTART: 'false',
      QUIVER__LOG_LEVEL: 'info',
    };
    const roles: [Target, Record<string, string>][] =
      topology === 'split'
        ? [
            ['indexer', { QUIVER__INDEXER__PORT: String(await freePort()), QDRANT__STORAGE__STORAGE_PATH: path.join(cluster.dir, 'indexer') }],
            ['ingress', { QDRANT__SERVICE__GRPC_PORT: String((cluster.writePort = await freePort())), QDRANT__STORAGE__STORAGE_PATH: path.join(cluster.dir, 'ingress') }],
            ['query', { QDRANT__SERVICE__GRPC_PORT: String((cluster.readPort = await freePort())), QDRANT__STORAGE__STORAGE_PATH: path.join(cluster.dir, 'query') }],
          ]
        : [['all-in-one', { QDRANT__SERVICE__GRPC_PORT: String((cluster.writePort = cluster.readPort = await freePort())), QUIVER__INDEXER__PORT: '0', QDRANT__STORAGE__STORAGE_PATH: path.join(cluster.dir, 'aio') }]];
    for (const [role, roleEnv] of roles) {
      let child: ChildQuiver | undefined;
      const member: Restartable = {
        start: async () => {
          child = spawnRole(role as 'all-in-one' | Role, { ...env, ...roleEnv });
          await untilServing(child, 30_000);
        },
        kill: async () => {
          child?.child.kill('SIGKILL');
          await child?.exited;
        },
        output: () => child?.output() ?? '',
      };
      await member.start();
      cluster.members.set(role, member);
    }
    return cluster;
  }

  client(port: number): QdrantClient {
    return new QdrantClient({ url: `http://127.0.0.1:${port}`, checkCompatibility: false, timeout: 15_000 });
  }

  /** The last lines each member printed, for a failure report. */
  report(lines = 15): string {
    return [...this.members]
      .map(([name, m]) => `--- ${name}\n${m.output().trim().split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    for (const member of [...this.members.values()].reverse()) await member.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** What a point may look like at the end: its last acknowledged state, or a later unconfirmed one. */
type PointState = { v: number } | 'absent';

interface Expectation {
  confirmed: PointState;
  /** Writes issued after the confirmed one whose answer was an error: applied or not, unknown. */
  unconfirmed: PointState[];
}

export const DIM = 8;
export function vectorOf(v: number): number[] {
  return Array.from({ length: DIM }, (_, d) => Math.sin(v * 0.7 + d));
}

export class Workload {
  readonly expected = new Map<number, Expectation>();
  readonly stats = { acknowledged: 0, completed: 0, failed: 0 };
  private version = 0;
  private readonly next: () => number;

  constructor(
    seed: number,
    readonly ids: number,
  ) {
    this.next = rng(seed);
  }

  private record(id: number, state: PointState, ok: boolean): void {
    const e = this.expected.get(id) ?? { confirmed: 'absent', unconfirmed: [] };
    if (ok) this.expected.set(id, { confirmed: state, unconfirmed: [] });
    else this.expected.set(id, { confirmed: e.confirmed, unconfirmed: [...e.unconfirmed, state] });
  }

  /** Issues one seeded write (upsert, overwrite or delete; wait=true or false), records it, and says whether it was answered OK. */
  async step(client: QdrantClient, collectionName: string): Promise<boolean> {
    const r = this.next();
    const wait = this.next() < 0.3;
    const ids = Array.from({ length: r < 0.1 ? 5 : 1 }, () => Math.floor(this.next() * this.ids));
    const unique = [...new Set(ids)];
    const deleting = r >= 0.8;
    const states = unique.map((id) => ({ id, state: deleting ? ('absent' as const) : { v: ++this.version } }));
    let ok: boolean;
    try {
      const res = deleting
        ? await client.api('points').delete({ collectionName, wait, points: { pointsSelectorOneOf: { case: 'points', value: { ids: unique.map((id) => pid(BigInt(id))) } } } })
        : await client.api('points').upsert({
            collectionName,
            wait,
            points: states.map(({ id, state }) => ({ id: pid(BigInt(id)), vectors: denseVectors(vectorOf((state as { v: number }).v)), payload: toPayload({ v: BigInt((state as { v: number }).v) }) })),
          });
      ok = res.result?.status === (wait ? 2 : 1);
    } catch {
      ok = false;
    }
    if (ok) this.stats[wait ? 'completed' : 'acknowledged']++;
    else this.stats.failed++;
    for (const { id, state } of states) this.record(id, state, ok);
    return ok;
  }

  /** Compares what quiver holds with what it may hold; returns the problems found. */
  async verify(reads: QdrantClient, writes: QdrantClient, collectionName: string): Promise<string[]> {
    const problems: string[] = [];
    const all = Array.from({ length: this.ids + 20 }, (_, i) => pid(BigInt(i)));
    const got = await reads.api('points').get({ collectionName, ids: all, withPayload: enable(true), withVectors: { selectorOptions: { case: 'enable', value: true } } });
    const present = new Map(got.result.map((p) => [Number(idOf(p.id)), p]));
    for (let id = 0; id < this.ids + 20; id++) {
      const e = this.expected.get(id) ?? { confirmed: 'absent' as const, unconfirmed: [] };
      const allowed = [e.confirmed, ...e.unconfirmed];
      const point = present.get(id);
      const observed: PointState = point ? { v: Number(fromPayload(point.payload).v) } : 'absent';
      const same = (a: PointState, b: PointState) => (a === 'absent' ? b === 'absent' : b !== 'absent' && a.v === b.v);
      if (!allowed.some((a) => same(a, observed))) {
        problems.push(`point ${id}: holds ${JSON.stringify(observed)}, allowed ${JSON.stringify(allowed)}`);
        continue;
      }
      if (point && observed !== 'absent') {
        const vector = point.vectors?.vectorsOptions.case === 'vector' ? (point.vectors.vectorsOptions.value.vector.value as { data: number[] }).data : [];
        const expectedVector = vectorOf(observed.v);
        if (vector.length !== DIM || vector.some((x, d) => Math.abs(x - expectedVector[d]) > 1e-5)) problems.push(`point ${id}: vector does not belong to version ${observed.v}`);
      }
    }
    const count = (await reads.api('points').count({ collectionName, exact: true })).result?.count;
    if (count !== BigInt(present.size)) problems.push(`count ${count} but ${present.size} points are there`);
    const info = (await writes.api('collections').get({ collectionName })).result;
    if (info?.pointsCount !== BigInt(present.size)) problems.push(`points_count ${info?.pointsCount} but ${present.size} points are there`);
    for (let q = 0; q < 10; q++) {
      const res = await reads.api('points').search({ collectionName, vector: vectorOf(q * 13), limit: 10n, withPayload: enable(true) });
      for (const p of res.result) {
        const id = Number(idOf(p.id));
        const held = present.get(id);
        if (!held) problems.push(`search returned point ${id}, which Get does not have`);
        else if (fromPayload(p.payload).v !== fromPayload(held.payload).v) problems.push(`search returned an old version of point ${id}`);
      }
    }
    return problems;
  }
}

/** Waits until every queued operation is applied (the collection's update queue is empty). */
export async function drained(writes: QdrantClient, collectionName: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const info = (await writes.api('collections').get({ collectionName })).result;
      if (info?.updateQueue?.length === 0n) return;
    } catch {
      // a member is still coming back
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the queues did not drain within ${timeoutMs} ms`);
}

export { rng };
