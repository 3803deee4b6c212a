// A replica's params.json: its vector space, fixed at creation, and its tunables (HNSW, vacuum),
// which follow the collection's configuration. Written by rename, so a crash leaves the old file
// or the new one, never a torn one.
import fs from 'node:fs';
import path from 'node:path';
import type { ShardParams } from './types.ts';

function fileOf(dir: string): string {
  return path.join(dir, 'params.json');
}

function write(dir: string, params: ShardParams): void {
  const file = fileOf(dir);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(params));
  fs.renameSync(tmp, file);
}

/**
 * The params to open a replica with: the stored vector space (a replica never changes dimension
 * or distance) with the caller's current tunables, which may have changed while it was closed.
 */
export function settleParams(dir: string, current: ShardParams): ShardParams {
  const file = fileOf(dir);
  if (!fs.existsSync(file)) {
    write(dir, current);
    return current;
  }
  const stored: ShardParams = JSON.parse(fs.readFileSync(file, 'utf8'));
  const settled: ShardParams = { ...stored, hnsw: current.hnsw, ...(current.vacuum ? { vacuum: current.vacuum } : {}) };
  if (stored.named) {
    // Named vectors keep their spaces; each takes its current HNSW tunables.
    settled.named = Object.fromEntries(Object.entries(stored.named).map(([name, p]) => [name, { ...p, hnsw: current.named?.[name]?.hnsw ?? p.hnsw }]));
  }
  if (JSON.stringify(settled) !== JSON.stringify(stored)) write(dir, settled);
  return settled;
}

/** Records new tunables; the vector space in the file stays as it is. */
export function storeTunables(dir: string, next: ShardParams): ShardParams {
  return settleParams(dir, next);
}
