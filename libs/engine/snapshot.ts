// Snapshot files of a shard replica (proto/internal/snapshot.proto). A snapshot directory holds
// state.bin and one graph file per vector name that has a graph. Files are fsynced before the directory is
// renamed into place, and the CURRENT file (replaced by rename) names the snapshot to load, so a
// crash at any moment leaves either the old snapshot or the new one, never half of one.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { internalType, TO_OBJECT } from './internal-proto.ts';
import { floatsFromBytes, floatsToBytes, pointKeyFromMessage, pointKeyToMessage } from './op-codec.ts';
import { payloadFromMessage, payloadToMessage } from './payload-codec.ts';
import type { SavedGraphs, ShardState } from './shard-store.ts';

const Header = internalType('internal/snapshot.proto', 'quiver.internal.SnapshotHeader');
const Chunk = internalType('internal/snapshot.proto', 'quiver.internal.SnapshotChunk');
const POINTS_PER_CHUNK = 4096;

export interface SnapshotMeta {
  seq: number;
  /** Per vector name: its graph file (a name in the snapshot directory) and the label prefix it holds. */
  graphs: SavedGraphs;
}

export interface LoadedSnapshot {
  seq: number;
  state: ShardState;
  /** Per vector name, the graph file (absolute path) to load. */
  graphs: SavedGraphs;
}

/** The graph file name of the i-th vector name (names may hold any character, so not the name itself). */
export function graphFileName(i: number): string {
  return `graph-${i}.bin`;
}

export function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Fsyncs a file on libuv's thread pool (a large file's fsync would hold up the calling thread). */
export async function fsyncFile(target: string): Promise<void> {
  const handle = await fs.promises.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `bytes` at the handle's position, on libuv's thread pool. */
async function writeAll(handle: fs.promises.FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength; ) at += (await handle.write(bytes, at)).bytesWritten;
}

/**
 * Writes state.bin into `into` (a directory being prepared). Encodes in chunks and writes and
 * fsyncs on libuv's thread pool, so a large shard does not hold up the thread that answers
 * requests for the whole snapshot (encoding the vector columns is the one long step left on it).
 */
export async function writeState(into: string, meta: SnapshotMeta, state: ShardState, dims: Map<string, number>): Promise<void> {
  const file = path.join(into, 'state.bin');
  const handle = await fs.promises.open(file, 'w');
  try {
    const columns = [...state.vectors].map(([name, column]) => ({
      name,
      dim: dims.get(name) ?? 0,
      vectors: floatsToBytes(column.data),
      present: column.present,
      graph_up_to: meta.graphs.get(name)?.upTo ?? 0,
      graph_file: meta.graphs.get(name)?.file ?? '',
    }));
    const header = Header.fromObject({
      seq: String(meta.seq),
      label_count: state.ids.length,
      field_indexes: Object.fromEntries(state.fieldIndexes),
      columns,
    });
    await writeAll(handle, Header.encodeDelimited(header).finish());
    for (let from = 0; from < state.ids.length; from += POINTS_PER_CHUNK) {
      const points = [];
      for (let label = from; label < Math.min(from + POINTS_PER_CHUNK, state.ids.length); label++) {
        const id = state.ids[label];
        if (id === undefined) continue;
        const payload = state.payloads[label];
        points.push({ label, id: pointKeyToMessage(id), version: String(state.versions[label]), ...(payload ? { payload: { fields: payloadToMessage(payload) } } : {}) });
      }
      await writeAll(handle, Chunk.encodeDelimited(Chunk.fromObject({ points })).finish());
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes `prepared` the current snapshot of `dir`; returns the new snapshot's directory. */
export function publishSnapshot(dir: string, prepared: string, seq: number): string {
  const name = `snapshot-${seq}`;
  const final = path.join(dir, name);
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(prepared, final);
  fsyncPath(dir);
  const current = path.join(dir, 'CURRENT');
  fs.writeFileSync(`${current}.tmp`, name);
  fsyncPath(`${current}.tmp`);
  fs.renameSync(`${current}.tmp`, current);
  fsyncPath(dir);
  return final;
}

/** The current snapshot of `dir`, or null when it has none. */
export function readSnapshot(dir: string): LoadedSnapshot | null {
  const current = path.join(dir, 'CURRENT');
  if (!fs.existsSync(current)) return null;
  const snapshotDir = path.join(dir, fs.readFileSync(current, 'utf8').trim());
  const reader = protobuf.Reader.create(fs.readFileSync(path.join(snapshotDir, 'state.bin')));
  // biome-ignore lint: message shapes
  const header = Header.toObject(Header.decodeDelimited(reader), TO_OBJECT) as Record<string, any>;
  const count: number = header.label_count ?? 0;
  const state: ShardState = {
    ids: new Array(count).fill(undefined),
    versions: new Array(count).fill(0),
    payloads: new Array(count).fill(null),
    vectors: new Map(),
    fieldIndexes: Object.entries(header.field_indexes ?? {}) as [string, string][],
  };
  while (reader.pos < reader.len) {
    // biome-ignore lint: message shapes
    const chunk = Chunk.toObject(Chunk.decodeDelimited(reader), TO_OBJECT) as Record<string, any>;
    for (const p of chunk.points ?? []) {
      const label: number = p.label ?? 0;
      state.ids[label] = pointKeyFromMessage(p.id);
      state.versions[label] = Number(p.version ?? 0);
      state.payloads[label] = p.payload ? payloadFromMessage(p.payload.fields) : null;
    }
  }
  const graphs: SavedGraphs = new Map();
  const columns: Record<string, any>[] = header.columns ?? [];
  for (const c of columns) {
    state.vectors.set(c.name ?? '', { data: floatsFromBytes(c.vectors ?? new Uint8Array()), present: new Uint8Array(c.present ?? new Uint8Array()) });
    if (c.graph_file) graphs.set(c.name ?? '', { file: path.join(snapshotDir, c.graph_file), upTo: c.graph_up_to ?? 0 });
  }
  if (columns.length === 0) {
    // A legacy snapshot: the unnamed vector of every label, its graph in graph.bin.
    state.vectors.set('', { data: floatsFromBytes(header.vectors ?? new Uint8Array()), present: new Uint8Array(count).fill(1) });
    const legacyGraph = path.join(snapshotDir, 'graph.bin');
    if (fs.existsSync(legacyGraph)) graphs.set('', { file: legacyGraph, upTo: header.graph_up_to ?? 0 });
  }
  return { seq: Number(header.seq ?? 0), state, graphs };
}
