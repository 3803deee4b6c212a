// Filters through the official client, over a seeded payload set in a 3-shard collection. Every
// expected answer comes from a plain-JS predicate written in this file (and brute-force scores),
// never from quiver: Count exact, Scroll pages (id order, next_page_offset), Search exact and
// through the HNSW graph (full_scan_threshold 1 KB = 32 points per shard at dim 8, so a filter
// matching half the points walks the graph), with and without payload indexes, and the indexes
// kept right across overwrites and deletes. Bad filters are INVALID_ARGUMENT and change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { FieldType, type FilterSchema, PayloadSchemaType, TokenizerType } from '@qdrant/js-client-grpc';
import { bruteForce, closeScore, randomVectors, rng } from '../support/data.ts';
import { startTestQuiver, type TestQuiver } from '../support/quiver.ts';
import { denseVectors, type Json, enable, idOf, pid, toPayload } from '../support/wire.ts';

const C = 'filters';
const DIM = 8;
const N = 3000;
const COLORS = ['red', 'green', 'blue', 'yellow'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega'];
const FOODS = ['meat', 'veg', 'fish'];
const DAY = 86_400_000;
const JAN_2024 = Date.UTC(2024, 0, 1);

type Doc = { [k: string]: Json };
/** A qdrant.Filter as the client accepts it (a plain object literal). */
type Filter = MessageInitShape<typeof FilterSchema>;
const vectors = randomVectors(N, DIM, 11);
const docs: (Doc | null)[] = [];
{
  const next = rng(5);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  for (let i = 0; i < N; i++) {
    const doc: Doc = {};
    const r = next();
    if (r < 0.15) doc.color = [pick(COLORS), pick(COLORS)];
    else if (r < 0.2) doc.color = null;
    else if (r < 0.9) doc.color = pick(COLORS); // else: no color at all
    doc.n = BigInt(Math.floor(next() * 100));
    doc.price = Math.round(next() * 100_000) / 100;
    doc.tags = Array.from({ length: Math.floor(next() * 4) }, () => pick(['a', 'b', 'c', 'd']));
    doc.when = new Date(JAN_2024 + Math.floor(next() * 365 * 24) * 3_600_000).toISOString();
    doc.loc = { lon: -10 + next() * 40, lat: 35 + next() * 25 };
    doc.text = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`;
    doc.diet = Array.from({ length: Math.floor(next() * 3) }, () => ({ food: pick(FOODS), likes: next() < 0.5 }));
    doc.rare = i % 100 === 7 ? 'yes' : 'no'; // 1%
    doc.half = i % 2 === 0; // 50%
    doc.meta = { level: BigInt(i % 5) };
    docs.push(i % 97 === 3 ? null : doc); // a few points without any payload
  }
}
const idOfIndex = (i: number) => BigInt(i + 1);

// --- filters in the official client's shapes, and the same filters as plain JS -----------------
type Cond = NonNullable<Filter['must']>[number];
const field = (key: string, rest: object): Cond => ({ conditionOneOf: { case: 'field', value: { key, ...rest } } }) as Cond;
const keyword = (key: string, value: string) => field(key, { match: { matchValue: { case: 'keyword', value } } });
const valuesAt = (doc: Doc | null, key: string): Json[] => (doc && key in doc ? [doc[key]] : []);
const anyElement = (values: Json[], test: (v: Json) => boolean) => values.some((v) => (Array.isArray(v) ? v.some(test) : test(v)));
const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const haversine = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => {
  const r = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
};
const ts = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

interface Case {
  name: string;
  filter: Filter;
  expect: (doc: Doc | null, id: bigint) => boolean;
}

const cases: Case[] = [
  { name: 'keyword (arrays element-wise)', filter: { must: [keyword('color', 'red')] }, expect: (d) => anyElement(valuesAt(d, 'color'), (v) => v === 'red') },
  {
    name: 'keywords any', filter: { must: [field('color', { match: { matchValue: { case: 'keywords', value: { strings: ['red', 'blue'] } } } })] },
    expect: (d) => anyElement(valuesAt(d, 'color'), (v) => v === 'red' || v === 'blue'),
  },
  {
    name: 'except keywords (null is not listed; a missing field fails)',
    filter: { must: [field('color', { match: { matchValue: { case: 'exceptKeywords', value: { strings: ['red', 'green'] } } } })] },
    expect: (d) => {
      const values = valuesAt(d, 'color');
      return anyElement(values, (v) => typeof v !== 'string' || !['red', 'green'].includes(v));
    },
  },
  { name: 'integer', filter: { must: [field('n', { match: { matchValue: { case: 'integer', value: 42n } } })] }, expect: (d) => d?.n === 42n },
  {
    name: 'integers any, in must_not', filter: { mustNot: [field('n', { match: { matchValue: { case: 'integers', value: { integers: [1n, 2n, 3n] } } } })] },
    expect: (d) => !(typeof d?.n === 'bigint' && [1n, 2n, 3n].includes(d.n)),
  },
  {
    name: 'except integers', filter: { must: [field('n', { match: { matchValue: { case: 'exceptIntegers', value: { integers: [5n] } } } })] },
    expect: (d) => valuesAt(d, 'n').length > 0 && d?.n !== 5n, // a missing field fails
  },
  { name: 'bool', filter: { must: [field('half', { match: { matchValue: { case: 'boolean', value: true } } })] }, expect: (d) => d?.half === true },
  { name: 'range on integers', filter: { must: [field('n', { range: { gte: 10, lt: 20 } })] }, expect: (d) => typeof d?.n === 'bigint' && d.n >= 10n && d.n < 20n },
  { name: 'range on doubles', filter: { must: [field('price', { range: { gt: 250.5, lte: 400 } })] }, expect: (d) => typeof d?.price === 'number' && d.price > 250.5 && d.price <= 400 },
  {
    name: 'datetime range', filter: { must: [field('when', { datetimeRange: { gte: ts(JAN_2024 + 100 * DAY), lt: ts(JAN_2024 + 130 * DAY) } })] },
    expect: (d) => typeof d?.when === 'string' && Date.parse(d.when) >= JAN_2024 + 100 * DAY && Date.parse(d.when) < JAN_2024 + 130 * DAY,
  },
  {
    name: 'geo radius', filter: { must: [field('loc', { geoRadius: { center: { lon: 5, lat: 45 }, radius: 600_000 } })] },
    expect: (d) => isObj(d?.loc) && haversine({ lon: 5, lat: 45 }, d.loc as { lon: number; lat: number }) <= 600_000,
  },
  {
    name: 'geo bounding box', filter: { must: [field('loc', { geoBoundingBox: { topLeft: { lon: 0, lat: 50 }, bottomRight: { lon: 10, lat: 40 } } })] },
    expect: (d) => isObj(d?.loc) && (d.loc.lon as number) >= 0 && (d.loc.lon as number) <= 10 && (d.loc.lat as number) >= 40 && (d.loc.lat as number) <= 50,
  },
  {
    name: 'geo polygon with a hole',
    filter: {
      must: [field('loc', {
        geoPolygon: {
          exterior: { points: [{ lon: 0, lat: 40 }, { lon: 20, lat: 40 }, { lon: 20, lat: 55 }, { lon: 0, lat: 55 }, { lon: 0, lat: 40 }] },
          interiors: [{ points: [{ lon: 5, lat: 45 }, { lon: 15, lat: 45 }, { lon: 15, lat: 50 }, { lon: 5, lat: 50 }, { lon: 5, lat: 45 }] }],
        },
      })],
    },
    expect: (d) => {
      if (!isObj(d?.loc)) return false;
      const { lon, lat } = d.loc as { lon: number; lat: number };
      const outer = lon > 0 && lon < 20 && lat > 40 && lat < 55;
      const hole = lon > 5 && lon < 15 && lat > 45 && lat < 50;
      return outer && !hole;
    },
  },
  {
    name: 'values_count', filter: { must: [field('tags', { valuesCount: { gte: 2n } })] },
    expect: (d) => (Array.isArray(d?.tags) ? d.tags.length : 0) >= 2,
  },
  {
    name: 'is_empty', filter: { must: [{ conditionOneOf: { case: 'isEmpty', value: { key: 'color' } } }] },
    expect: (d) => d === null || !('color' in d) || d.color === null,
  },
  {
    name: 'is_null', filter: { must: [{ conditionOneOf: { case: 'isNull', value: { key: 'color' } } }] },
    expect: (d) => d !== null && d.color === null,
  },
  {
    name: 'has_id', filter: { must: [{ conditionOneOf: { case: 'hasId', value: { hasId: [pid(5n), pid(77n), pid(2999n), pid(999999n)] } } }] },
    expect: (_d, id) => [5n, 77n, 2999n].includes(id),
  },
  { name: 'has_vector (default)', filter: { must: [{ conditionOneOf: { case: 'hasVector', value: { hasVector: '' } } }] }, expect: () => true },
  {
    name: 'nested: one and the same element',
    filter: { must: [{ conditionOneOf: { case: 'nested', value: { key: 'diet', filter: { must: [keyword('food', 'meat'), field('likes', { match: { matchValue: { case: 'boolean', value: true } } })] } } } }] },
    expect: (d) => Array.isArray(d?.diet) && d.diet.some((e) => isObj(e) && e.food === 'meat' && e.likes === true),
  },
  {
    name: 'array projection diet[].food', filter: { must: [keyword('diet[].food', 'fish')] },
    expect: (d) => Array.isArray(d?.diet) && d.diet.some((e) => isObj(e) && e.food === 'fish'),
  },
  {
    name: 'nested key path meta.level', filter: { must: [field('meta.level', { match: { matchValue: { case: 'integer', value: 3n } } })] },
    expect: (d) => isObj(d?.meta) && d.meta.level === 3n,
  },
  {
    name: 'text (substring without an index)', filter: { must: [field('text', { match: { matchValue: { case: 'text', value: 'ta gam' } } })] },
    expect: (d) => typeof d?.text === 'string' && d.text.includes('ta gam'),
  },
  {
    name: 'should, must_not and min_should together',
    filter: {
      should: [keyword('color', 'red'), keyword('color', 'blue')],
      mustNot: [field('n', { range: { lt: 50 } })],
      minShould: { conditions: [field('half', { match: { matchValue: { case: 'boolean', value: true } } }), keyword('rare', 'no'), field('price', { range: { gt: 500 } })], minCount: 2n },
    },
    expect: (d) => {
      const colorIs = (c: string) => anyElement(valuesAt(d, 'color'), (v) => v === c);
      const lowN = typeof d?.n === 'bigint' && Number(d.n) < 50;
      const count = [d?.half === true, d?.rare === 'no', typeof d?.price === 'number' && d.price > 500].filter(Boolean).length;
      return (colorIs('red') || colorIs('blue')) && !lowN && count >= 2;
    },
  },
  {
    name: 'a condition with no oneof is dropped; a nested group', filter: { must: [{ conditionOneOf: { case: undefined } } as Cond, { conditionOneOf: { case: 'filter', value: { should: [keyword('rare', 'yes')] } } }] },
    expect: (d) => d?.rare === 'yes',
  },
];

let q: TestQuiver;
const live = new Map<bigint, { vector: number[]; doc: Doc | null }>();

async function upsert(indices: number[], docOf: (i: number) => Doc | null) {
  const points = indices.map((i) => {
    const doc = docOf(i);
    live.set(idOfIndex(i), { vector: vectors[i], doc });
    return { id: pid(idOfIndex(i)), vectors: denseVectors(vectors[i]), ...(doc ? { payload: toPayload(doc) } : {}) };
  });
  for (let at = 0; at < points.length; at += 500) {
    await q.client.api('points').upsert({ collectionName: C, wait: true, points: points.slice(at, at + 500) });
  }
}

function expectedIds(c: Case): bigint[] {
  return [...live].filter(([id, p]) => c.expect(p.doc, id)).map(([id]) => id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function expectedTop(c: { expect: Case['expect'] }, query: number[], k: number): [bigint, number][] {
  const matching = [...live].filter(([id, p]) => c.expect(p.doc, id));
  return bruteForce('Euclid', query, matching.map(([, p]) => p.vector), k).map(([i, s]) => [matching[i][0], s]);
}

async function untilIndexed() {
  for (let i = 0; i < 600; i++) {
    const info = (await q.client.api('collections').get({ collectionName: C })).result!;
    if (info.indexedVectorsCount === info.pointsCount) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the graph did not catch up');
}

before(async () => {
  q = await startTestQuiver({ label: 'filters' });
  await q.client.api('collections').create({
    collectionName: C,
    vectorsConfig: { config: { case: 'params', value: { size: BigInt(DIM), distance: 2 /* Euclid */ } } },
    hnswConfig: { fullScanThreshold: 1n },
    shardNumber: 3,
  });
  await upsert([...docs.keys()], (i) => docs[i]);
  await untilIndexed();
});
after(async () => q?.stop());

async function checkCounts() {
  for (const c of cases) {
    const res = await q.client.api('points').count({ collectionName: C, filter: c.filter, exact: true });
    assert.equal(res.result?.count, BigInt(expectedIds(c).length), c.name);
  }
}

async function checkScroll(c: Case, limit: number) {
  const seen: bigint[] = [];
  let offset: bigint | undefined;
  do {
    const res = await q.client.api('points').scroll({
      collectionName: C, filter: c.filter, limit, withPayload: enable(false), ...(offset === undefined ? {} : { offset: pid(offset) }),
    });
    seen.push(...res.result.map((p) => idOf(p.id) as bigint));
    offset = res.nextPageOffset ? (idOf(res.nextPageOffset) as bigint) : undefined;
    if (offset !== undefined) assert.equal(res.result.length, limit, `${c.name}: a full page before next_page_offset`);
  } while (offset !== undefined);
  assert.deepEqual(seen, expectedIds(c), c.name);
}

const queries = randomVectors(12, DIM, 1234);
const byName = (name: string) => cases.find((c) => c.name === name)!;

/** Recall@10 of filtered searches through the graph, and every answer matching the filter. */
async function graphRecall(c: Case): Promise<number> {
  let found = 0, total = 0;
  for (const query of queries) {
    const res = await q.client.api('points').search({ collectionName: C, vector: query, limit: 10n, filter: c.filter });
    const truth = new Set(expectedTop(c, query, 10).map(([id]) => id));
    const allowed = new Set(expectedIds(c));
    for (const p of res.result) assert.ok(allowed.has(idOf(p.id) as bigint), `${c.name}: ${idOf(p.id)} does not match the filter`);
    found += res.result.filter((p) => truth.has(idOf(p.id) as bigint)).length;
    total += truth.size;
  }
  return found / total;
}

/** A filter matching 1% is answered exactly (ids equal brute force); ones matching 50% go through the graph and keep recall. */
async function checkPlannedSearch() {
  const rare = { name: 'rare', filter: { must: [keyword('rare', 'yes')] }, expect: (d: Doc | null) => d?.rare === 'yes' };
  for (const query of queries) {
    const res = await q.client.api('points').search({ collectionName: C, vector: query, limit: 10n, filter: rare.filter });
    assert.deepEqual(res.result.map((p) => idOf(p.id)), expectedTop(rare, query, 10).map(([id]) => id));
  }
  assert.ok((await graphRecall(byName('bool'))) >= 0.9);
  assert.ok((await graphRecall(byName('range on doubles'))) >= 0.9);
}

describe('without payload indexes', () => {
  test('Count exact equals the plain-JS count for every condition kind', checkCounts);

  test('Scroll with a filter keeps id order and next_page_offset', async () => {
    for (const name of ['keyword (arrays element-wise)', 'nested: one and the same element', 'has_id', 'is_null']) await checkScroll(byName(name), 37);
  });

  test('exact filtered Search equals brute force over the matching points, ids and scores', async () => {
    for (const c of cases) {
      for (const query of queries.slice(0, 3)) {
        const res = await q.client.api('points').search({ collectionName: C, vector: query, limit: 10n, filter: c.filter, params: { exact: true } });
        const expected = expectedTop(c, query, 10);
        assert.deepEqual(res.result.map((p) => idOf(p.id)), expected.map(([id]) => id), c.name);
        res.result.forEach((p, k) => assert.ok(closeScore(p.score, expected[k][1]), `${c.name}: ${p.score} vs ${expected[k][1]}`));
      }
    }
  });

  test('a filter matching 1% is answered exactly; one matching 50% through the graph keeps recall', checkPlannedSearch);

  test('SearchBatch applies each search\'s own filter', async () => {
    const [a, b] = [byName('integer'), byName('geo radius')];
    const res = await q.client.api('points').searchBatch({
      collectionName: C,
      searchPoints: [a, b].map((c) => ({ collectionName: C, vector: queries[0], limit: 5n, filter: c.filter, params: { exact: true } })),
    });
    assert.deepEqual(res.result[0].result.map((p) => idOf(p.id)), expectedTop(a, queries[0], 5).map(([id]) => id));
    assert.deepEqual(res.result[1].result.map((p) => idOf(p.id)), expectedTop(b, queries[0], 5).map(([id]) => id));
  });
});

describe('the query family', () => {
  const nearest = (data: number[]) => ({ variant: { case: 'nearest' as const, value: { variant: { case: 'dense' as const, value: { data } } } } });

  test('Query nearest with a filter equals brute force over the matching points', async () => {
    for (const c of [byName('geo radius'), byName('nested: one and the same element'), byName('bool')]) {
      const res = await q.client.api('points').query({ collectionName: C, query: nearest(queries[1]), filter: c.filter, limit: 7n, params: { exact: true } });
      assert.deepEqual(res.result.map((p) => idOf(p.id)), expectedTop(c, queries[1], 7).map(([id]) => id), c.name);
    }
  });

  test('the root filter also applies to prefetches; no query lists matches in id order', async () => {
    const a = byName('range on integers');
    const b = byName('bool');
    const res = await q.client.api('points').query({
      collectionName: C, filter: a.filter, limit: 10n, query: nearest(queries[2]),
      prefetch: [{ query: nearest(queries[2]), limit: 10n, filter: b.filter, params: { exact: true } }], // 10: only the root filter's reach fills it
    });
    const both = { expect: (d: Doc | null, id: bigint) => a.expect(d, id) && b.expect(d, id) };
    assert.deepEqual(res.result.map((p) => idOf(p.id)), expectedTop(both, queries[2], 10).map(([id]) => id));
    const listed = await q.client.api('points').query({ collectionName: C, filter: a.filter, limit: 15n });
    assert.deepEqual(listed.result.map((p) => idOf(p.id)), expectedIds(a).slice(0, 15));
  });
});

describe('with payload indexes', () => {
  before(async () => {
    const index = (fieldName: string, fieldType: FieldType) => q.client.api('points').createFieldIndex({ collectionName: C, fieldName, fieldType, wait: true });
    await index('color', FieldType.FieldTypeKeyword);
    await index('n', FieldType.FieldTypeInteger);
    await index('price', FieldType.FieldTypeFloat);
    await index('half', FieldType.FieldTypeBool);
    await index('rare', FieldType.FieldTypeKeyword);
    await index('when', FieldType.FieldTypeDatetime);
    await index('loc', FieldType.FieldTypeGeo);
    await index('diet[].food', FieldType.FieldTypeKeyword);
    await index('meta.level', FieldType.FieldTypeInteger);
  });

  test('Count and Scroll give the same answers through the indexes', async () => {
    await checkCounts();
    await checkScroll(byName('keyword (arrays element-wise)'), 50);
    await checkScroll(byName('range on integers'), 50);
  });

  test('filtered Search through the indexes: exact for 1%, the graph for 50%', checkPlannedSearch);

  test('indexes follow overwrites and deletes', async () => {
    // Overwrite 300 points with swapped colours and new numbers, delete 200 others.
    await upsert(Array.from({ length: 300 }, (_, k) => k * 7), (i) => ({ color: 'red', n: 42n, half: i % 3 === 0, rare: 'yes', price: 300 }));
    const gone = Array.from({ length: 200 }, (_, k) => k * 11 + 1);
    await q.client.api('points').delete({ collectionName: C, wait: true, points: { pointsSelectorOneOf: { case: 'points', value: { ids: gone.map((i) => pid(idOfIndex(i))) } } } });
    for (const i of gone) live.delete(idOfIndex(i));
    await checkCounts();
    await checkScroll(byName('integer'), 64);
  });
});

describe('payload schema and full-text index', () => {
  test('CollectionInfo.payload_schema lists each index with its type and the points it holds', async () => {
    const info = (await q.client.api('collections').get({ collectionName: C })).result!;
    const docsNow = [...live.values()].map((p) => p.doc);
    const holding = (test: (v: Json) => boolean, key: string) => docsNow.filter((d) => anyElement(valuesAt(d, key), test)).length;
    assert.equal(info.payloadSchema.color.dataType, PayloadSchemaType.Keyword);
    assert.equal(info.payloadSchema.color.points, BigInt(holding((v) => typeof v === 'string', 'color')));
    assert.equal(info.payloadSchema.n.dataType, PayloadSchemaType.Integer);
    assert.equal(info.payloadSchema.n.points, BigInt(holding((v) => typeof v === 'bigint', 'n')));
    assert.equal(info.payloadSchema.loc.dataType, PayloadSchemaType.Geo);
    assert.equal(info.payloadSchema['diet[].food'].points, BigInt(docsNow.filter((d) => Array.isArray(d?.diet) && d.diet.length > 0).length));
  });

  test('a text index makes Match.text a token test, and its params are echoed', async () => {
    const textParams = { indexParams: { case: 'textIndexParams' as const, value: { tokenizer: TokenizerType.Word, lowercase: true } } };
    await q.client.api('points').createFieldIndex({ collectionName: C, fieldName: 'text', fieldType: FieldType.FieldTypeText, fieldIndexParams: textParams, wait: true });
    const info = (await q.client.api('collections').get({ collectionName: C })).result!;
    assert.equal(info.payloadSchema.text.dataType, PayloadSchemaType.Text);
    const echoed = info.payloadSchema.text.params?.indexParams;
    assert.equal(echoed?.case, 'textIndexParams');
    assert.equal(echoed?.case === 'textIndexParams' ? echoed.value.tokenizer : undefined, TokenizerType.Word);
    const words = (d: Doc | null) => (typeof d?.text === 'string' ? d.text.split(' ') : []);
    const tokens: Case = {
      name: 'text with an index: every token, any order, case-folded',
      filter: { must: [field('text', { match: { matchValue: { case: 'text', value: 'GAMMA alpha' } } })] },
      expect: (d) => words(d).includes('gamma') && words(d).includes('alpha'),
    };
    assert.equal((await q.client.api('points').count({ collectionName: C, filter: tokens.filter })).result?.count, BigInt(expectedIds(tokens).length));
    const substring = { must: [field('text', { match: { matchValue: { case: 'text', value: 'ta gam' } } })] };
    assert.equal((await q.client.api('points').count({ collectionName: C, filter: substring })).result?.count, 0n, 'no longer a substring test');
    await checkScroll(tokens, 40);
  });
});

describe('index declarations quiver cannot honour', () => {
  test('are refused and change nothing: mismatched params, a malformed path, text options', async () => {
    const refused = async (request: object, code: Code, message: RegExp) => {
      await assert.rejects(q.client.api('points').createFieldIndex({ collectionName: C, wait: true, ...request } as never), (err: unknown) => {
        assert.ok(err instanceof ConnectError);
        assert.equal(err.code, code, err.rawMessage);
        assert.match(err.rawMessage, message);
        return true;
      });
    };
    const before = Object.keys((await q.client.api('collections').get({ collectionName: C })).result!.payloadSchema).sort();
    await refused({ fieldName: 'price2', fieldType: FieldType.FieldTypeFloat, fieldIndexParams: { indexParams: { case: 'keywordIndexParams', value: {} } } }, Code.InvalidArgument, /do not match/);
    await refused({ fieldName: 'a..b', fieldType: FieldType.FieldTypeKeyword }, Code.InvalidArgument, /Invalid json path/);
    await refused({ fieldName: 'text2', fieldType: FieldType.FieldTypeText, fieldIndexParams: { indexParams: { case: 'textIndexParams', value: { tokenizer: TokenizerType.Prefix } } } }, Code.Unimplemented, /tokenizer Prefix/);
    await refused({ fieldName: 'text2', fieldType: FieldType.FieldTypeText, fieldIndexParams: { indexParams: { case: 'textIndexParams', value: { tokenizer: TokenizerType.Word, lowercase: false } } } }, Code.Unimplemented, /lowercase/);
    const after = Object.keys((await q.client.api('collections').get({ collectionName: C })).result!.payloadSchema).sort();
    assert.deepEqual(after, before);
  });
});

describe('bad filters', () => {
  async function rejects(filter: Filter, message: RegExp) {
    const before = (await q.client.api('points').count({ collectionName: C })).result?.count;
    for (const call of [
      () => q.client.api('points').search({ collectionName: C, vector: queries[0], limit: 3n, filter }),
      () => q.client.api('points').scroll({ collectionName: C, filter }),
      () => q.client.api('points').count({ collectionName: C, filter }),
    ]) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ConnectError);
        assert.equal(err.code, Code.InvalidArgument, err.rawMessage);
        assert.match(err.rawMessage, message);
        return true;
      });
    }
    assert.equal((await q.client.api('points').count({ collectionName: C })).result?.count, before, 'nothing changed');
  }

  test('are INVALID_ARGUMENT with Qdrant\'s messages', async () => {
    await rejects({ must: [field('color', {})] }, /At least one field condition must be specified/);
    await rejects({ must: [field('color', { match: { matchValue: { case: undefined } } })] }, /Malformed Match condition/);
    await rejects({ should: [field('loc', { geoPolygon: { exterior: { points: [{ lon: 0, lat: 0 }, { lon: 1, lat: 0 }, { lon: 0, lat: 0 }] } } })] }, /polygon invalid/);
    await rejects({ must: [field('loc', { geoPolygon: { exterior: { points: [{ lon: 0, lat: 0 }, { lon: 1, lat: 0 }, { lon: 1, lat: 1 }, { lon: 0, lat: 1 }] } } })] }, /closed line/);
    await rejects({ must: [field('loc', { geoRadius: { center: { lon: 0, lat: 95 }, radius: 10 } })] }, /Latitude/);
    await rejects({ minShould: { conditions: [keyword('color', 'red')], minCount: 0n } }, /min_count/);
    await rejects({ must: [keyword('a..b', 'x')] }, /Invalid json path/);
    await rejects({ must: [{ conditionOneOf: { case: 'hasId', value: { hasId: [pid('not-a-uuid')] } } }] }, /Unable to parse UUID/);
  });
});
