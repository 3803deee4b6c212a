// A quiver for one test: in-process (all roles by default) or as child processes, on free ports,
// with its own Redis key prefix and storage directory, removed again by stop().
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QdrantClient } from '@qdrant/js-client-grpc';
import { loadConfig, type Role } from '../../libs/config/index.ts';
import { createLogger } from '../../services/common/logger.ts';
import { startQuiver } from '../../services/common/quiver.ts';
import { deletePrefix, freePort, killOnExit, testRedisUrl, uniquePrefix } from './redis.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface TestQuiver {
  port: number;
  prefix: string;
  storage: string;
  redisUrl: string;
  client: QdrantClient;
  stop(): Promise<void>;
}

export interface TestQuiverOptions {
  roles?: Role[];
  env?: Record<string, string>;
  label?: string;
}

export function clientFor(port: number, options: { apiKey?: string } = {}): QdrantClient {
  return new QdrantClient({ url: `http://127.0.0.1:${port}`, checkCompatibility: false, ...options });
}

export async function startTestQuiver(options: TestQuiverOptions = {}): Promise<TestQuiver> {
  const redisUrl = await testRedisUrl();
  const prefix = uniquePrefix(options.label ?? 'q');
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-test-'));
  const config = loadConfig({
    REDIS_URL: redisUrl,
    QUIVER__REDIS__PREFIX: prefix,
    QUIVER__REDIS__AUTOSTART: 'false',
    QDRANT__STORAGE__STORAGE_PATH: storage,
    QDRANT__SERVICE__GRPC_PORT: '0',
    QUIVER__INDEXER__PORT: '0',
    QUIVER__LOG_LEVEL: process.env.QUIVER_TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const quiver = await startQuiver(config, options.roles ?? ['ingress', 'indexer', 'query'], createLogger(config.logLevel));
  const port = quiver.grpcPort ?? 0; // 0: an indexer alone serves no public API
  const client = clientFor(port);
  return {
    port, prefix, storage, redisUrl, client,
    stop: async () => {
      await quiver.stop();
      await deletePrefix(redisUrl, prefix);
      fs.rmSync(storage, { recursive: true, force: true });
    },
  };
}

/** A quiver process started the way a user starts it (tsx + a services/<role>/main.ts). */
export interface ChildQuiver {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function spawnRole(role: 'all-in-one' | Role, env: Record<string, string>): ChildQuiver {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, `services/${role}/main.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, QUIVER__LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  killOnExit(child);
  return { child, output: () => output, exited };
}

/** Resolves when the process logs that it is serving; rejects if it exits or takes too long. */
export async function untilServing(q: ChildQuiver, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!q.output().includes('quiver is serving')) {
    if (q.child.exitCode !== null) throw new Error(`quiver exited (${q.child.exitCode}):\n${q.output()}`);
    if (Date.now() > deadline) throw new Error(`quiver did not start in time:\n${q.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

