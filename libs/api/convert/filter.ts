// qdrant.Filter (proto-loader shape: keepCase, oneofs named by their discriminator field, int64
// and uint64 as decimal strings) -> the engine's Filter, validated the way Qdrant validates it:
// - a Condition with no oneof set is dropped, and a condition list left empty counts as absent;
// - a FieldCondition with none of match, range, geo_*, values_count, datetime_range, is_empty,
//   is_null set: "At least one field condition must be specified";
// - a Match with no value: "Malformed Match condition";
// - a malformed key path, a geo point off the globe, an open or short polygon ring, a timestamp
//   out of range, min_should.min_count below 1: INVALID_ARGUMENT.
// Nothing here touches the store: a bad filter is refused before any work or write.
import type { Condition, FieldCondition, Filter, GeoPoint, GeoPolygon, Match, PointId, Range } from '../../engine/index.ts';
import { parsePath, timestampMicros } from '../../engine/index.ts';
import { badInput, QuiverError, validationError } from '../../errors/index.ts';
import { pointIdFromWire } from './point-id.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

const malformed = (what: string) => new QuiverError('bad_input', `Malformed ${what} condition`);

/** The domain filter, or undefined when the wire filter is absent or holds no condition. */
export function filterFromWire(filter: Message | null | undefined, field = 'filter'): Filter | undefined {
  if (!filter) return undefined;
  const out = convertFilter(filter, field);
  return out.must || out.should || out.mustNot || out.minShould ? out : undefined;
}

function convertFilter(filter: Message, field: string): Filter {
  const out: Filter = {};
  const must = conditions(filter.must, `${field}.must`);
  const should = conditions(filter.should, `${field}.should`);
  const mustNot = conditions(filter.must_not, `${field}.must_not`);
  if (must.length) out.must = must;
  if (should.length) out.should = should;
  if (mustNot.length) out.mustNot = mustNot;
  if (filter.min_should) {
    const minCount = Number(filter.min_should.min_count ?? 0);
    if (!(minCount >= 1)) throw validationError(`${field}.min_should.min_count`, `value ${minCount} invalid, must be 1 or more`);
    const listed = conditions(filter.min_should.conditions, `${field}.min_should.conditions`);
    if (listed.length) out.minShould = { conditions: listed, minCount };
  }
  return out;
}

function conditions(list: Message[] | undefined, field: string): Condition[] {
  const out: Condition[] = [];
  (list ?? []).forEach((c, i) => {
    const converted = condition(c, `${field}[${i}]`);
    if (converted) out.push(converted);
  });
  return out;
}

function key(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw validationError(field, 'key must not be empty');
  if (!parsePath(value)) throw new QuiverError('bad_input', `Invalid json path: '${value}'`);
  return value;
}

function condition(c: Message | null | undefined, field: string): Condition | null {
  switch (c?.condition_one_of) {
    case 'field':
      return fieldCondition(c.field, `${field}.field`);
    case 'is_empty':
      return { kind: 'is_empty', key: key(c.is_empty?.key, `${field}.is_empty.key`) };
    case 'is_null':
      return { kind: 'is_null', key: key(c.is_null?.key, `${field}.is_null.key`) };
    case 'has_id':
      return { kind: 'has_id', ids: (c.has_id?.has_id ?? []).map((id: Message) => pointIdFromWire(id)) as PointId[] };
    case 'has_vector':
      return { kind: 'has_vector', name: c.has_vector?.has_vector ?? '' };
    case 'filter':
      return { kind: 'filter', filter: convertFilter(c.filter ?? {}, `${field}.filter`) };
    case 'nested': {
      if (!c.nested?.filter) throw badInput('Nested filter is missing');
      return { kind: 'nested', key: key(c.nested.key, `${field}.nested.key`), filter: convertFilter(c.nested.filter, `${field}.nested.filter`) };
    }
    default:
      return null; // a Condition with no oneof set: dropped, as Qdrant does
  }
}

function fieldCondition(f: Message | undefined, field: string): FieldCondition {
  const out: FieldCondition = { kind: 'field', key: key(f?.key, `${field}.key`) };
  if (!f) throw validationError(field, 'At least one field condition must be specified');
  if (f.match) out.match = match(f.match);
  if (f.range) out.range = range(f.range, `${field}.range`, Number);
  if (f.datetime_range) out.datetimeRange = range(f.datetime_range, `${field}.datetime_range`, (t) => timestamp(t, `${field}.datetime_range`));
  if (f.values_count) out.valuesCount = range(f.values_count, `${field}.values_count`, Number);
  if (f.geo_radius) {
    const radius = Number(f.geo_radius.radius ?? 0);
    if (Number.isNaN(radius)) throw badInput('Geo radius must be a number');
    out.geoRadius = { center: geoPoint(f.geo_radius.center, `${field}.geo_radius.center`), radius };
  }
  if (f.geo_bounding_box) {
    out.geoBoundingBox = {
      topLeft: geoPoint(f.geo_bounding_box.top_left, `${field}.geo_bounding_box.top_left`),
      bottomRight: geoPoint(f.geo_bounding_box.bottom_right, `${field}.geo_bounding_box.bottom_right`),
    };
  }
  if (f.geo_polygon) out.geoPolygon = polygon(f.geo_polygon, `${field}.geo_polygon`);
  if (f.is_empty !== undefined && f.is_empty !== null) out.isEmpty = Boolean(f.is_empty);
  if (f.is_null !== undefined && f.is_null !== null) out.isNull = Boolean(f.is_null);
  const { kind: _kind, key: _key, ...set } = out;
  if (Object.keys(set).length === 0) throw validationError(field, 'At least one field condition must be specified');
  return out;
}

function match(m: Message): Match {
  switch (m.match_value) {
    case 'keyword':
      return { kind: 'keyword', value: String(m.keyword) };
    case 'integer':
      return { kind: 'integer', value: BigInt(m.integer) };
    case 'boolean':
      return { kind: 'bool', value: Boolean(m.boolean) };
    case 'text':
      return { kind: 'text', value: String(m.text) };
    case 'text_any':
      return { kind: 'text_any', value: String(m.text_any) };
    case 'phrase':
      return { kind: 'phrase', value: String(m.phrase) };
    case 'keywords':
      return { kind: 'keywords', values: (m.keywords?.strings ?? []).map(String) };
    case 'integers':
      return { kind: 'integers', values: (m.integers?.integers ?? []).map((v: string) => BigInt(v)) };
    case 'except_keywords':
      return { kind: 'except_keywords', values: (m.except_keywords?.strings ?? []).map(String) };
    case 'except_integers':
      return { kind: 'except_integers', values: (m.except_integers?.integers ?? []).map((v: string) => BigInt(v)) };
    default:
      throw malformed('Match');
  }
}

function range(r: Message, field: string, read: (value: Message) => number): Range {
  const out: Range = {};
  for (const bound of ['lt', 'gt', 'gte', 'lte'] as const) {
    if (r[bound] === undefined || r[bound] === null) continue;
    const value = read(r[bound]);
    if (Number.isNaN(value)) throw validationError(`${field}.${bound}`, 'must be a number');
    out[bound] = value;
  }
  return out;
}

function timestamp(t: Message, field: string): number {
  const nanos = Number(t?.nanos ?? 0);
  const seconds = BigInt(t?.seconds ?? 0);
  // google.protobuf.Timestamp: 0001-01-01 to 9999-12-31, nanos in [0, 1e9).
  if (!(nanos >= 0 && nanos < 1e9) || seconds < -62135596800n || seconds > 253402300799n) {
    throw validationError(field, `invalid timestamp (seconds ${seconds}, nanos ${nanos})`);
  }
  return timestampMicros(seconds, nanos);
}

function geoPoint(p: Message | undefined, field: string): GeoPoint {
  if (!p) throw validationError(field, 'geo point is missing');
  const lon = Number(p.lon ?? 0);
  const lat = Number(p.lat ?? 0);
  if (!(lon >= -180 && lon <= 180)) throw badInput(`Longitude must be in range [-180, 180], got ${lon} (${field})`);
  if (!(lat >= -90 && lat <= 90)) throw badInput(`Latitude must be in range [-90, 90], got ${lat} (${field})`);
  return { lon, lat };
}

function ring(line: Message | undefined, field: string): GeoPoint[] {
  const points = (line?.points ?? []).map((p: Message, i: number) => geoPoint(p, `${field}.points[${i}]`));
  if (points.length < 4) throw validationError(field, 'polygon invalid, the size must be at least 4');
  const first = points[0], last = points[points.length - 1];
  if (first.lon !== last.lon || first.lat !== last.lat) {
    throw validationError(field, 'polygon invalid, the first and the last points should be the same to form a closed line');
  }
  return points;
}

function polygon(p: Message, field: string): GeoPolygon {
  return {
    exterior: ring(p.exterior, `${field}.exterior`),
    interiors: (p.interiors ?? []).map((line: Message, i: number) => ring(line, `${field}.interiors[${i}]`)),
  };
}
