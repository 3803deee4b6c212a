// The one place quiver reads its configuration: environment variables, Qdrant's names where the
// meaning is the same (so a Qdrant deployment's settings carry over), quiver's own under QUIVER__.
// Invalid values stop the process at start-up with a message naming the variable.
import path from 'node:path';

export type Role = 'ingress' | 'indexer' | 'query';

export interface QuiverConfig {
  /** Public gRPC endpoint (Qdrant's API). */
  grpc: { host: string; port: number };
  /** Read-write API key; when unset (and no read-only key), every request has full access. */
  apiKey?: string;
  /** Read-only API key. */
  readOnlyApiKey?: string;
  /** Root of all local state: shard WALs, the private Redis's data. */
  storagePath: string;
  redis: {
    url: string;
    /** Prefix of every Redis key and queue, so several quivers can share one Redis. */
    prefix: string;
    /** Start a private redis-server when nothing answers at `url`. */
    autoStart: boolean;
  };
  /** Internal shard RPC served by an indexer (used by query/ingress processes elsewhere). */
  indexer: { host: string; port: number; advertiseAddress: string };
  write: {
    /** How long a `wait=true` write waits for its replicas when the request names no timeout. */
    waitTimeoutMs: number;
    /** Operations a replica may have waiting; past it writes get RESOURCE_EXHAUSTED. */
    maxBacklogOperations: number;
  };
  logLevel: string;
}

type Env = Record<string, string | undefined>;

class ConfigError extends Error {}

function str(env: Env, names: string[], fallback: string): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return fallback;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value; // Qdrant: empty means unset
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${raw} must be true or false`);
}

export function loadConfig(env: Env = process.env): QuiverConfig {
  const prefix = str(env, ['QUIVER__REDIS__PREFIX'], 'quiver');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) {
    throw new ConfigError(`QUIVER__REDIS__PREFIX=${prefix} may hold only letters, digits, '_', '.' and '-' (1..64)`);
  }
  const redisUrl = str(env, ['REDIS_URL', 'QUIVER__REDIS__URL'], 'redis://127.0.0.1:6379');
  if (!/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL=${redisUrl} must start with redis:// or rediss://`);
  const indexerHost = str(env, ['QUIVER__INDEXER__HOST'], '127.0.0.1');
  const indexerPort = int(env, 'QUIVER__INDEXER__PORT', 6335, 0, 65535);
  return {
    grpc: {
      host: str(env, ['QDRANT__SERVICE__HOST'], '127.0.0.1'),
      port: int(env, 'QDRANT__SERVICE__GRPC_PORT', 6334, 0, 65535),
    },
    apiKey: optional(env, 'QDRANT__SERVICE__API_KEY'),
    readOnlyApiKey: optional(env, 'QDRANT__SERVICE__READ_ONLY_API_KEY'),
    storagePath: path.resolve(str(env, ['QDRANT__STORAGE__STORAGE_PATH'], './storage')),
    redis: { url: redisUrl, prefix, autoStart: bool(env, 'QUIVER__REDIS__AUTOSTART', true) },
    indexer: {
      host: indexerHost,
      port: indexerPort,
      advertiseAddress: str(env, ['QUIVER__INDEXER__ADVERTISE_ADDRESS'], `${indexerHost}:${indexerPort}`),
    },
    write: {
      waitTimeoutMs: int(env, 'QUIVER__WRITE__WAIT_TIMEOUT_MS', 60_000, 1, 3_600_000),
      maxBacklogOperations: int(env, 'QUIVER__WRITE__MAX_BACKLOG', 10_000, 1, 10_000_000),
    },
    logLevel: str(env, ['QUIVER__LOG_LEVEL', 'QDRANT__LOG_LEVEL'], 'info').toLowerCase(),
  };
}

/** Like loadConfig, but prints the problem and exits: for the entry points. */
export function loadConfigOrExit(env: Env = process.env): QuiverConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`quiver: invalid configuration: ${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
