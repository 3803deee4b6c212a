// Scroll through the official client: Qdrant's id order (every number, numerically, before every
// UUID), an inclusive `offset`, `next_page_offset` until the last page, limit 10 by default, and
// payload returned unless asked not to. Expected pages come from sorting the ids in the test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, enable, fromPayload, type Id, idOf, pid, toPayload } from '../support/wire.ts';

let q: TestQuiver;
const C = 'scroll';
const numeric = [0n, 7n, 12n, 300n, 9007199254740993n, 18446744073709551615n, ...Array.from({ length: 20 }, (_, i) => BigInt(1000 + i * 3))];
const uuids = ['ffffffff-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', '9a000000-0000-4000-8000-0000000000aa', 'a0000000-0000-4000-8000-000000000000'];
const ids: Id[] = [...numeric, ...uuids];
const expectedOrder = [...[...numeric].sort((a, b) => (a < b ? -1 : 1)), ...[...uuids].sort()];

before(async () => {
  q = await startTestQuiver({ label: 'scroll' });
  await q.client.api('collections').create({ collectionName: C, vectorsConfig: { config: { case: 'params', value: { size: 2n, distance: 3 } } }, shardNumber: 3 });
  await q.client.api('points').upsert({
    collectionName: C,
    wait: true,
    points: ids.map((id, i) => ({ id: pid(id), vectors: denseVectors([i, 1]), payload: toPayload({ n: BigInt(i) }) })),
  });
});
after(async () => q?.stop());

test('pages follow Qdrant\'s id order across shards, each id exactly once, until next_page_offset is absent', async () => {
  const seen: Id[] = [];
  let offset: Id | undefined;
  let pages = 0;
  do {
    const res = await q.client.api('points').scroll({ collectionName: C, limit: 7, ...(offset === undefined ? {} : { offset: pid(offset) }) });
    seen.push(...res.result.map((p) => idOf(p.id)));
    offset = res.nextPageOffset ? idOf(res.nextPageOffset) : undefined;
    if (offset !== undefined) assert.equal(res.result.length, 7);
    pages++;
  } while (offset !== undefined && pages < 20);
  assert.deepEqual(seen, expectedOrder);
  assert.equal(pages, Math.ceil(expectedOrder.length / 7));
});

test('limit defaults to 10, offset is inclusive, payload comes by default and vectors do not', async () => {
  const first = await q.client.api('points').scroll({ collectionName: C });
  assert.equal(first.result.length, 10);
  assert.deepEqual(idOf(first.nextPageOffset), expectedOrder[10]);
  assert.deepEqual(fromPayload(first.result[0].payload), { n: BigInt(ids.indexOf(expectedOrder[0])) });
  assert.equal(first.result[0].vectors, undefined);
  const fromUuid = await q.client.api('points').scroll({ collectionName: C, offset: pid(uuids[2]), limit: 2, withPayload: enable(false) });
  assert.deepEqual(fromUuid.result.map((p) => idOf(p.id)), [uuids[2], uuids[3]]);
  assert.deepEqual(fromUuid.result[0].payload, {});
  const last = await q.client.api('points').scroll({ collectionName: C, offset: pid(expectedOrder.at(-1)!), limit: 5 });
  assert.deepEqual(last.result.map((p) => idOf(p.id)), [expectedOrder.at(-1)]);
  assert.equal(last.nextPageOffset, undefined);
});
