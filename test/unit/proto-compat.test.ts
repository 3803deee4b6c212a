// Invariant 1 (wire compatibility): quiver's hand-written protos describe Qdrant's `qdrant` package
// exactly as the official JS client's embedded descriptors do, message by message, field by field.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { diffShapes, officialShapes, quiverShapes } from '../support/proto-shapes.ts';

const protoDir = path.resolve(import.meta.dirname, '../../proto');

test('every message, enum and service matches the official client, and none is missing', () => {
  const official = officialShapes();
  const ours = quiverShapes(protoDir);
  assert.ok(official.size > 250, `the client's descriptors were read (${official.size} definitions)`);
  assert.deepEqual(diffShapes(official, ours), []);
});

test('the public services expose the 51 RPCs of Qdrant 1.18', () => {
  const ours = quiverShapes(protoDir);
  const count = (svc: string) => ours.get(`service qdrant.${svc}`)?.length ?? 0;
  assert.deepEqual(
    { Qdrant: count('Qdrant'), Collections: count('Collections'), Points: count('Points'), Snapshots: count('Snapshots') },
    { Qdrant: 1, Collections: 14, Points: 30, Snapshots: 6 },
  );
});

test('the comparison notices a changed field number', () => {
  const official = officialShapes();
  const tampered = new Map(official);
  const key = 'message qdrant.PointId';
  tampered.set(key, official.get(key)!.map((line) => line.replace(/^1 /, '9 ')));
  assert.notDeepEqual(diffShapes(official, tampered), []);
});
