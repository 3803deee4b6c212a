// Redis for tests: the shared one at 127.0.0.1:6379 when it answers, otherwise a private
// redis-server on a free port, started once per test process and stopped when it exits.
// Tests never flush a Redis: each run uses its own key prefix and deletes only its own keys.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../libs/cluster/index.ts';

const SHARED = 'redis://127.0.0.1:6379';

/** Child processes a test started, killed when the test process exits however it exits. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}
let chosen: Promise<string> | undefined;

const handedOut = new Set<number>();

/**
 * A port nothing listens on now, never the same one twice in this process: the kernel may hand
 * a just-released ephemeral port out again, and two ports asked for in a row must differ.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
      server.on('error', reject);
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  pid: number;
  /** SIGKILL, as a crash would. */
  kill(): void;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port, in its own directory. With `background`, it
 * does not keep the test process alive (it is still killed when the process exits).
 */
export async function startPrivateRedis(options: { appendonly?: boolean; dir?: string; port?: number; background?: boolean } = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url, 200))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('private redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  killOnExit(child);
  if (options.background) child.unref();
  return {
    url, port, dir, pid: child.pid!,
    kill: () => child.kill('SIGKILL'),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export function testRedisUrl(): Promise<string> {
  chosen ??= (async () => ((await redisAnswers(SHARED, 500)) ? SHARED : (await startPrivateRedis({ background: true })).url))();
  return chosen;
}

export function uniquePrefix(label: string): string {
  return `qtest-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every key under a prefix (never FLUSH: the Redis may be shared). */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
