// One shard replica on disk and in memory: its WAL and its ShardStore.
// Contract of applyLogged (invariants 2-4):
// - operations are applied in the order of their sequence numbers, which the caller guarantees
//   by feeding the replica's queue in order;
// - an operation whose seq is not above the last applied one is a redelivery and changes nothing;
// - when applyLogged returns, the operation is in the WAL and fsynced: a restart replays it.
import fs from 'node:fs';
import path from 'node:path';
import { decodeOperation } from './op-codec.ts';
import type { OperationOutcome } from './operations.ts';
import { ShardStore } from './shard-store.ts';
import type { ShardParams } from './types.ts';
import { WriteAheadLog } from './wal.ts';

export type ApplyResult = { duplicate: true } | { duplicate: false; outcome: OperationOutcome };

export class ShardReplica {
  private constructor(
    readonly dir: string,
    readonly store: ShardStore,
    private readonly wal: WriteAheadLog,
    private applied: number,
  ) {}

  /** Opens the replica stored in `dir` (creating it with `params` if new) and replays its WAL. */
  static open(dir: string, params: ShardParams): ShardReplica {
    fs.mkdirSync(dir, { recursive: true });
    const paramsFile = path.join(dir, 'params.json');
    if (!fs.existsSync(paramsFile)) fs.writeFileSync(paramsFile, JSON.stringify(params));
    const stored: ShardParams = JSON.parse(fs.readFileSync(paramsFile, 'utf8'));
    const store = new ShardStore(stored);
    const { wal, records } = WriteAheadLog.open(path.join(dir, 'wal.log'));
    let applied = 0;
    for (const record of records) {
      if (record.seq <= applied) continue;
      store.apply(decodeOperation(record.data), record.seq);
      applied = record.seq;
    }
    return new ShardReplica(dir, store, wal, applied);
  }

  get appliedSeq(): number {
    return this.applied;
  }

  applyLogged(seq: number, encoded: Uint8Array): ApplyResult {
    if (seq <= this.applied) return { duplicate: true };
    const op = decodeOperation(encoded);
    this.wal.append(seq, encoded);
    this.wal.sync();
    const outcome = this.store.apply(op, seq);
    this.applied = seq;
    return { duplicate: false, outcome };
  }

  close(): void {
    this.wal.close();
  }

  /** Closes the replica and removes its files (the collection was deleted). */
  destroy(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
