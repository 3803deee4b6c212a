// One shard replica on disk and in memory: its snapshots, its WAL segments and its ShardStore.
// Contract of applyLogged (invariants 2-4):
// - operations are applied in the order of their sequence numbers: the queue's consumer feeds
//   them in queue order, and applyIfNext (operations offered ahead of the queue) applies only the
//   one right after the last applied; calls are serialised here;
// - an operation whose seq is not above the last applied one is a redelivery and changes nothing;
// - when applyLogged returns, the operation is in the WAL and fsynced: a restart replays it.
// On disk: wal-<first seq>.log segments, snapshot-<seq>/ directories and CURRENT naming the
// snapshot to load. Recovery loads the current snapshot and replays every WAL record after it.
// A snapshot starts a new WAL segment; segments wholly covered by a published snapshot are deleted.
import fs from 'node:fs';
import path from 'node:path';
import { decodeOperation } from './op-codec.ts';
import type { OperationOutcome } from './operations.ts';
import { type CompactionBuild, type SavedGraphs, ShardStore } from './shard-store.ts';
import { settleParams, storeTunables } from './shard-params-file.ts';
import { fsyncFile, graphFileName, publishSnapshot, readSnapshot, writeState } from './snapshot.ts';
import type { ShardParams } from './types.ts';
import { WriteAheadLog } from './wal.ts';

export type ApplyResult = { duplicate: true } | { duplicate: false; outcome: OperationOutcome };

export interface SnapshotPolicy {
  /** Take a snapshot once the WAL since the last one holds this many bytes... */
  walBytes: number;
  /** ...or this many operations. */
  operations: number;
}

/** Failures of the work a replica does in the background; the replica goes on either way. */
export interface BackgroundErrors {
  /** A snapshot failed: the WAL still holds every operation, and the next snapshot is tried later. */
  onSnapshotError: (err: Error) => void;
  /** A compaction failed unexpectedly (not because the replica closed): the old store stays. */
  onCompactionError: (err: Error) => void;
}

export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { walBytes: 64 * 1024 * 1024, operations: 50_000 };

const SEGMENT = /^wal-(\d+)\.log$/;

function segmentsOf(dir: string): { first: number; file: string }[] {
  return fs
    .readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ first: Number(m[1]), file: path.join(dir, m[0]) }))
    .sort((a, b) => a.first - b.first);
}

export class ShardReplica {
  private walBytesSinceSnapshot = 0;
  private opsSinceSnapshot = 0;
  private snapshotting: Promise<void> | null = null;
  private closed = false;
  private compactionScheduled = false;
  private compaction: Promise<void> | null = null;
  /** The compaction whose graphs are being built, and the store it started from. */
  private building: { store: ShardStore; build: CompactionBuild } | null = null;
  /** Serialises WAL appends with the capture-and-rotate step of a snapshot and with compaction. */
  private exclusive: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private current: ShardStore,
    private wal: WriteAheadLog,
    private applied: number,
    private readonly policy: SnapshotPolicy,
    private readonly onError: BackgroundErrors,
  ) {}

  /** Opens the replica stored in `dir` (creating it with `params` if new): snapshot, then WAL replay. */
  static open(dir: string, params: ShardParams, options: { policy?: SnapshotPolicy } & Partial<BackgroundErrors> = {}): ShardReplica {
    fs.mkdirSync(dir, { recursive: true });
    const stored = settleParams(dir, params);
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('snapshot.tmp-')) fs.rmSync(path.join(dir, name), { recursive: true, force: true }); // a crash mid-snapshot
    }
    const snapshot = readSnapshot(dir);
    const store = new ShardStore(stored, snapshot ? { state: snapshot.state, graphs: snapshot.graphs } : undefined);
    let applied = snapshot?.seq ?? 0;
    const segments = segmentsOf(dir);
    let last: WriteAheadLog | undefined;
    for (const [i, segment] of segments.entries()) {
      const { wal, records } = WriteAheadLog.open(segment.file);
      for (const record of records) {
        if (record.seq <= applied) continue;
        store.apply(decodeOperation(record.data), record.seq);
        applied = record.seq;
      }
      if (i === segments.length - 1) last = wal;
      else wal.close();
    }
    last ??= WriteAheadLog.open(path.join(dir, `wal-${applied + 1}.log`)).wal;
    return new ShardReplica(dir, store, last, applied, options.policy ?? DEFAULT_SNAPSHOT_POLICY, {
      onSnapshotError: options.onSnapshotError ?? (() => {}),
      onCompactionError: options.onCompactionError ?? (() => {}),
    });
  }

  get appliedSeq(): number {
    return this.applied;
  }

  /** Whether a compaction is building the new graphs (the store is swapped when they are ready). */
  get compacting(): boolean {
    return this.building !== null;
  }

  /** The replica's store; replaced (between two applies) when the replica compacts. */
  get store(): ShardStore {
    return this.current;
  }

  private serially<T>(step: () => T | Promise<T>): Promise<T> {
    const run = this.exclusive.then(step);
    this.exclusive = run.catch(() => {});
    return run;
  }

  applyLogged(seq: number, encoded: Uint8Array): Promise<ApplyResult> {
    return this.serially(() => this.applyNow(seq, encoded));
  }

  /**
   * Like applyLogged, but only if `seq` is the very next sequence number (applied + 1), checked
   * atomically with the apply; null otherwise. For operations offered ahead of their queue.
   */
  applyIfNext(seq: number, encoded: Uint8Array): Promise<ApplyResult | null> {
    return this.serially(() => (seq === this.applied + 1 ? this.applyNow(seq, encoded) : null));
  }

  private async applyNow(seq: number, encoded: Uint8Array): Promise<ApplyResult> {
    if (seq <= this.applied) return { duplicate: true };
    const op = decodeOperation(encoded);
    await this.wal.appendDurable(seq, encoded);
    const outcome = this.current.apply(op, seq);
    this.applied = seq;
    this.walBytesSinceSnapshot += encoded.byteLength;
    this.opsSinceSnapshot++;
    if (this.walBytesSinceSnapshot >= this.policy.walBytes || this.opsSinceSnapshot >= this.policy.operations) {
      void this.snapshot().catch(this.onError.onSnapshotError);
    }
    if (this.current.wantsCompaction && !this.compaction) this.compactSoon(); // a running one is joined, not scheduled again
    return { duplicate: false, outcome };
  }

  /**
   * Takes a snapshot off the apply path (one at a time). The graphs are saved first and the state
   * captured after, so a graph never holds a label the state lacks; the state's later deletes are
   * applied to the graphs again on load.
   */
  snapshot(): Promise<void> {
    this.snapshotting ??= this.takeSnapshot().finally(() => {
      this.snapshotting = null;
    });
    return this.snapshotting;
  }

  /**
   * Takes the collection's new tunables (see ShardStore.retune for what is live), between two
   * applies, and records them so a restart keeps them. A lowered vacuum threshold compacts now.
   * Tunables do not change what any operation does, so the WAL needs no record of them.
   */
  async retune(params: ShardParams): Promise<void> {
    await this.serially(() => {
      if (this.closed) return;
      this.current.retune(storeTunables(this.dir, params));
    });
    if (this.current.wantsCompaction) await this.compact();
  }

  /**
   * Compacts after the current turn of the event loop, so the write that crossed the threshold
   * is acknowledged first; at most one compaction is scheduled at a time.
   */
  private compactSoon(): void {
    if (this.compactionScheduled) return;
    this.compactionScheduled = true;
    setImmediate(() => {
      this.compactionScheduled = false;
      void this.compact();
    });
  }

  /**
   * Compacts the store when it wants it; resolves once the compacted store is in place (or there
   * was nothing to do). The new graphs are built in the background while the current store goes
   * on applying and answering (ShardStore.startCompaction); only the swap runs between two
   * applies. Nothing on disk changes: labels are internal, the WAL names points by id, and the
   * next snapshot saves the new store. One compaction at a time: a call meanwhile joins it.
   */
  compact(): Promise<void> {
    this.compaction ??= this.runCompaction().finally(() => {
      this.compaction = null;
    });
    return this.compaction;
  }

  private async runCompaction(): Promise<void> {
    const started = await this.serially(() => {
      if (this.closed || !this.current.wantsCompaction) return null;
      this.building = { store: this.current, build: this.current.startCompaction() };
      return this.building;
    });
    if (!started) return;
    try {
      await started.build.ready;
      await this.serially(() => {
        if (this.closed) throw new Error('the replica closed during the compaction');
        const old = this.current;
        this.current = old.compactedWith(started.build);
        void old.close();
      });
    } catch (err) {
      await started.build.cancel(); // the old store stays
      if (!this.closed) this.onError.onCompactionError(err as Error); // a graph worker died, or worse
    } finally {
      this.building = null;
    }
  }

  private async takeSnapshot(): Promise<void> {
    const prepared = path.join(this.dir, `snapshot.tmp-${process.pid}-${Date.now()}`);
    fs.mkdirSync(prepared);
    try {
      const store = this.current;
      const graphs: SavedGraphs = new Map();
      for (const [i, [name, index]] of [...store.vectors].entries()) {
        if (!index.graph) continue;
        const file = graphFileName(i);
        graphs.set(name, { file, upTo: await index.graph.save(path.join(prepared, file)) });
        await fsyncFile(path.join(prepared, file));
      }
      // Between two applies: seq, state and the new segment agree.
      const { seq, state } = await this.serially(() => {
        if (this.current !== store) throw new Error('the replica was compacted during the snapshot; the next one will be taken');
        const captured = { seq: this.applied, state: this.current.capture() };
        this.rotate(captured.seq + 1);
        return captured;
      });
      await writeState(prepared, { seq, graphs }, state, new Map([...store.vectors].map(([name, index]) => [name, index.params.dim])));
      publishSnapshot(this.dir, prepared, seq);
      this.removeCovered(seq);
    } catch (err) {
      fs.rmSync(prepared, { recursive: true, force: true });
      throw err;
    }
  }

  /** Starts a new WAL segment whose first record will be `firstSeq`. */
  private rotate(firstSeq: number): void {
    const file = path.join(this.dir, `wal-${firstSeq}.log`);
    if (this.wal.file === file) return;
    const next = WriteAheadLog.open(file).wal;
    this.wal.close();
    this.wal = next;
    this.walBytesSinceSnapshot = 0;
    this.opsSinceSnapshot = 0;
  }

  /** Deletes snapshots older than `seq` and WAL segments that hold nothing after it. */
  private removeCovered(seq: number): void {
    const segments = segmentsOf(this.dir);
    for (let i = 0; i < segments.length - 1; i++) {
      if (segments[i + 1].first <= seq + 1) fs.rmSync(segments[i].file, { force: true });
    }
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^snapshot-(\d+)$/.exec(name);
      if (m && Number(m[1]) < seq) fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  /** Stops the replica; with `snapshot`, first takes a snapshot so the next start replays nothing. */
  async close(options: { snapshot?: boolean } = {}): Promise<void> {
    this.closed = true;
    await this.building?.build.cancel();
    await this.compaction;
    await this.snapshotting?.catch(() => {});
    if (options.snapshot && this.opsSinceSnapshot > 0) await this.snapshot().catch(this.onError.onSnapshotError);
    this.wal.close();
    await this.current.close();
  }

  /** Closes the replica and removes its files (the collection was deleted). */
  async destroy(): Promise<void> {
    await this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
