// Operations offered ahead of the queue (the all-in-one's short way) are applied in sequence
// order only: never past a gap, never twice, and never ahead of what the queue delivers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { encodeOperation, ShardReplica, type ShardParams } from '../../libs/engine/index.ts';
import { type OfferedOperation, OfferedOperations } from '../../libs/queue/index.ts';

const params: ShardParams = { dim: 1, distance: 'Dot', hnsw: { m: 16, efConstruct: 100, fullScanThresholdKb: 10000 } };
const op = (seq: number): OfferedOperation => ({
  seq,
  encoded: encodeOperation({ kind: 'upsert', ids: [BigInt(seq)], dim: 1, vectors: new Float32Array([seq]), payloads: [null] }),
});
/** Waits (polling, bounded) until the replica has applied `seq`. */
async function until(replica: ShardReplica, seq: number): Promise<void> {
  for (let i = 0; i < 500 && replica.appliedSeq < seq; i++) await new Promise((r) => setTimeout(r, 10));
}

/** A replica fed by offers, recording the order in which sequence numbers were applied. */
function fixture() {
  const replica = ShardReplica.open(fs.mkdtempSync(path.join(os.tmpdir(), 'quiver-offered-')), params);
  const applied: number[] = [];
  const offered = new OfferedOperations(
    () => replica.appliedSeq,
    async (o) => {
      const result = await replica.applyIfNext(o.seq, o.encoded);
      if (result && !result.duplicate) applied.push(o.seq);
    },
  );
  return { replica, applied, offered };
}

test('offers arriving out of order are applied in sequence order', async () => {
  const { replica, applied, offered } = fixture();
  try {
    for (const seq of [3, 1, 4, 2]) offered.offer(op(seq));
    await until(replica, 4);
    assert.deepEqual(applied, [1, 2, 3, 4]);
  } finally {
    await offered.close();
    await replica.close();
  }
});

test('an offer past a gap waits until the queue fills the gap, then follows it', async () => {
  const { replica, applied, offered } = fixture();
  try {
    offered.offer(op(2)); // seq 1 was enqueued by another process: only the queue delivers it
    await replica.applyLogged(1, op(1).encoded); // the queue's consumer applies seq 1
    assert.deepEqual(applied, [], 'nothing was applied past the gap');
    offered.kick(); // as the queue's consumer does after each operation
    await until(replica, 2);
    assert.deepEqual(applied, [2]);
    assert.equal(replica.store.pointCount, 2);
  } finally {
    await offered.close();
    await replica.close();
  }
});

test('an offer the queue already applied changes nothing; a replica refuses an offer that is not next', async () => {
  const { replica, applied, offered } = fixture();
  try {
    await replica.applyLogged(1, op(1).encoded);
    offered.offer(op(1));
    assert.equal(await replica.applyIfNext(3, op(3).encoded), null);
    assert.deepEqual(applied, []);
    assert.equal(replica.appliedSeq, 1);
    assert.equal(replica.store.pointCount, 1);
  } finally {
    await offered.close();
    await replica.close();
  }
});
