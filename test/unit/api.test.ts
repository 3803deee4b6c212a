// Edge conversions and configuration, without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUuid, pointIdFromWire } from '../../libs/api/index.ts';
import { loadConfig } from '../../libs/config/index.ts';
import { QuiverError } from '../../libs/errors/index.ts';
import { INGRESS_METHODS, QUERY_METHODS } from '../../services/common/roles.ts';
import { publicServices } from '../../libs/api/index.ts';

test('UUIDs are accepted in the forms Qdrant accepts and returned lower-case hyphenated', () => {
  const canonical = '98a9a4b1-4ef2-46fb-8315-a97d874fe1d7';
  for (const form of ['98A9A4B1-4EF2-46FB-8315-A97D874FE1D7', '98a9a4b14ef246fb8315a97d874fe1d7', `{${canonical}}`, `urn:uuid:${canonical}`]) {
    assert.equal(parseUuid(form), canonical, form);
  }
  for (const bad of ['', 'not-a-uuid', '98a9a4b1-4ef2-46fb-8315-a97d874fe1d', 'zza9a4b14ef246fb8315a97d874fe1d7']) {
    assert.throws(() => parseUuid(bad), (e: unknown) => e instanceof QuiverError && e.kind === 'bad_input');
  }
});

test('numeric ids stay exact uint64 values', () => {
  assert.equal(pointIdFromWire({ num: '18446744073709551615' }), 18446744073709551615n);
  assert.throws(() => pointIdFromWire({ num: '18446744073709551616' }));
  assert.throws(() => pointIdFromWire({}), /No ID options provided/);
  assert.throws(() => pointIdFromWire(undefined), /Empty ID is not allowed/);
});

test('configuration: defaults, Qdrant\'s variable names, and a clear error for a bad value', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.grpc.port, 6334);
  assert.equal(defaults.redis.url, 'redis://127.0.0.1:6379');
  assert.equal(defaults.redis.prefix, 'quiver');
  assert.ok(defaults.storagePath.endsWith('/storage'));
  const qdrant = loadConfig({
    QDRANT__SERVICE__GRPC_PORT: '7334', QDRANT__SERVICE__HOST: '0.0.0.0', QDRANT__SERVICE__API_KEY: 'secret',
    QDRANT__STORAGE__STORAGE_PATH: '/data/q', REDIS_URL: 'redis://redis:6379', QUIVER__REDIS__PREFIX: 'tenant-a',
  });
  assert.deepEqual([qdrant.grpc.port, qdrant.grpc.host, qdrant.apiKey, qdrant.storagePath, qdrant.redis.url, qdrant.redis.prefix],
    [7334, '0.0.0.0', 'secret', '/data/q', 'redis://redis:6379', 'tenant-a']);
  assert.equal(loadConfig({ QDRANT__SERVICE__API_KEY: '' }).apiKey, undefined, 'an empty key means no key, as in Qdrant');
  assert.throws(() => loadConfig({ QDRANT__SERVICE__GRPC_PORT: 'http' }), /QDRANT__SERVICE__GRPC_PORT=http must be an integer/);
  assert.throws(() => loadConfig({ QUIVER__REDIS__PREFIX: 'a:b' }), /QUIVER__REDIS__PREFIX/);
});

test('the role tables name only real public RPCs, and no RPC is claimed by two roles', () => {
  const all = new Set(Object.entries(publicServices).flatMap(([svc, def]) => Object.keys(def).map((m) => `${svc}/${m}`)));
  assert.equal(all.size, 51);
  for (const method of [...INGRESS_METHODS, ...QUERY_METHODS]) assert.ok(all.has(method), method);
  for (const method of QUERY_METHODS) assert.ok(!INGRESS_METHODS.has(method), method);
});

test('the mesh and Envoy route to the query role exactly the methods it serves', async () => {
  const { readFileSync } = await import('node:fs');
  const routed = (file: string, pattern: RegExp) =>
    new Set([...readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').matchAll(pattern)].map((m) => `${m[1]}/${m[2]}`));
  assert.deepEqual(routed('infra/envoy/envoy.yaml', /match: \{ path: \/qdrant\.(\w+)\/(\w+) \}/g), QUERY_METHODS);
  assert.deepEqual(routed('infra/k8s/mesh/virtualservice.yaml', /exact: \/qdrant\.(\w+)\/(\w+)/g), QUERY_METHODS);
});
