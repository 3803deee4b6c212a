// Redis connections, and the private redis-server quiver starts when none answers.
// Two kinds of connection, after BullMQ's production guide: commands that answer a client fail
// fast when Redis is gone (no offline queue), long-lived consumers retry forever.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

/** For request paths: an unreachable Redis becomes an error at once, never a silent wait. */
export function commandConnection(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** For workers and subscribers: retries until Redis is back (BullMQ requires maxRetriesPerRequest null). */
export function consumerConnection(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(Math.exp(times), 20_000),
  });
}

export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const options: RedisOptions = { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null };
  const probe = new Redis(url, options);
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

export interface RedisHandle {
  url: string;
  /** Set when quiver started the server; stops it (it saves its AOF on the way down). */
  stop?: () => Promise<void>;
}

export interface EnsureRedisOptions {
  url: string;
  autoStart: boolean;
  storagePath: string;
  log: (message: string) => void;
}

/**
 * Returns a Redis that answers at `url`. When none does and redis-server is on PATH, starts a
 * private one on that loopback port with its data under <storage>/redis, AOF on (everysec).
 * Otherwise throws an error whose message names the fix.
 */
export async function ensureRedis(options: EnsureRedisOptions): Promise<RedisHandle> {
  const { url } = options;
  if (await redisAnswers(url)) return { url };
  const parsed = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname);
  if (!options.autoStart || !loopback || !onPath('redis-server')) {
    throw new Error(
      `no Redis answers at ${url}. Start one (Debian/Ubuntu: apt-get install -y redis-server), ` +
        'or point REDIS_URL at a running Redis' +
        (loopback ? '' : ' (quiver starts a private redis-server only for a loopback REDIS_URL)'),
    );
  }
  const dir = path.join(options.storagePath, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = parsed.port || '6379';
  const child = spawn(
    'redis-server',
    ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec',
      '--save', '', '--maxmemory-policy', 'noeviction', '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  options.log(`no Redis answered at ${url}; started a private redis-server (pid ${child.pid}) with its data in ${dir}, AOF on`);
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url, 300))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the private redis-server did not start; see ${path.join(dir, 'redis.log')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
