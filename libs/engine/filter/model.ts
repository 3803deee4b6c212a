// The filter model (Qdrant's Filter, qdrant_common.proto), transport-free. Integers are bigint,
// datetimes are microseconds since the Unix epoch (UTC), distances are metres, geo points are
// degrees. A filter is plain data: it can be encoded (codec.ts), compared and evaluated anywhere.
import type { PointId } from '../types.ts';

export interface Filter {
  /** Every one must hold (absent or empty: no constraint). */
  must?: Condition[];
  /** At least one must hold (absent or empty: no constraint). */
  should?: Condition[];
  /** None may hold. */
  mustNot?: Condition[];
  /** At least `minCount` of `conditions` must hold. */
  minShould?: { conditions: Condition[]; minCount: number };
}

export type Condition =
  | FieldCondition
  | { kind: 'is_empty'; key: string }
  | { kind: 'is_null'; key: string }
  | { kind: 'has_id'; ids: PointId[] }
  | { kind: 'has_vector'; name: string }
  | { kind: 'filter'; filter: Filter }
  /** `filter` must hold for one and the same element of the array at `key`. */
  | { kind: 'nested'; key: string; filter: Filter };

/**
 * Conditions on the values at `key`. Precedence as Qdrant: valuesCount, else isEmpty, else isNull,
 * else the OR of match / range / datetimeRange / geo*. At least one is set.
 */
export interface FieldCondition {
  kind: 'field';
  key: string;
  match?: Match;
  range?: Range;
  datetimeRange?: Range; // bounds in microseconds since the epoch
  geoBoundingBox?: { topLeft: GeoPoint; bottomRight: GeoPoint };
  geoRadius?: { center: GeoPoint; radius: number };
  geoPolygon?: GeoPolygon;
  valuesCount?: Range;
  isEmpty?: boolean;
  isNull?: boolean;
}

export type Match =
  | { kind: 'keyword'; value: string }
  | { kind: 'integer'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'text'; value: string }
  | { kind: 'text_any'; value: string }
  | { kind: 'phrase'; value: string }
  | { kind: 'keywords'; values: string[] }
  | { kind: 'integers'; values: bigint[] }
  | { kind: 'except_keywords'; values: string[] }
  | { kind: 'except_integers'; values: bigint[] };

export interface Range {
  lt?: number;
  gt?: number;
  gte?: number;
  lte?: number;
}

export interface GeoPoint {
  lon: number;
  lat: number;
}

/** Rings are closed (first point = last point); a point inside an interior ring is outside. */
export interface GeoPolygon {
  exterior: GeoPoint[];
  interiors: GeoPoint[][];
}

export function inRange(range: Range, value: number): boolean {
  return (
    (range.lt === undefined || value < range.lt) &&
    (range.gt === undefined || value > range.gt) &&
    (range.lte === undefined || value <= range.lte) &&
    (range.gte === undefined || value >= range.gte)
  );
}

/** A filter with no condition at all (every point matches). */
export function isEmptyFilter(filter: Filter | undefined): boolean {
  return !filter || (!filter.must?.length && !filter.should?.length && !filter.mustNot?.length && !filter.minShould);
}
