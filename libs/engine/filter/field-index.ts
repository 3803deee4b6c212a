// One payload index over one field path, kept up to date label by label. An index answers, for a
// condition on its field, a superset of the labels that can match (every candidate is checked
// again with the whole filter, except that full-text semantics depend on a text index existing),
// and an upper bound of their number for the planner.
import type { PayloadValue } from '../types.ts';
import { parseDatetime } from './datetime.ts';
import { geoPointOf, haversineMetres, inBoundingBox, inPolygon } from './geo.ts';
import { type FieldCondition, type GeoPoint, inRange, type Range } from './model.ts';
import { tokenize } from './text.ts';

/** qdrant.FieldType names, as CreateFieldIndex declares them. */
export type FieldIndexType =
  | 'FieldTypeKeyword' | 'FieldTypeInteger' | 'FieldTypeFloat' | 'FieldTypeGeo'
  | 'FieldTypeText' | 'FieldTypeBool' | 'FieldTypeDatetime' | 'FieldTypeUuid';

export interface FieldIndex {
  readonly type: FieldIndexType;
  /** Labels with at least one value of the index's type. */
  readonly pointCount: number;
  /** `values`: the values at the field's path, arrays expanded one level. */
  add(label: number, values: PayloadValue[]): void;
  remove(label: number): void;
  /** Labels that may satisfy the condition's value tests, or null when this index cannot tell. */
  candidates(c: FieldCondition): Set<number> | null;
  /** An upper bound of candidates(c).size, cheaper to compute; null when candidates(c) is null. */
  estimate(c: FieldCondition): number | null;
}

function union(sets: Iterable<Set<number> | undefined>): Set<number> {
  const out = new Set<number>();
  for (const set of sets) if (set) for (const label of set) out.add(label);
  return out;
}

function sumSizes(sets: Iterable<Set<number> | undefined>): number {
  let n = 0;
  for (const set of sets) n += set?.size ?? 0;
  return n;
}

/** Postings from keys to labels, and back, for the key-valued index types. */
abstract class PostingIndex<K> implements FieldIndex {
  abstract readonly type: FieldIndexType;
  protected readonly postings = new Map<K, Set<number>>();
  private readonly keysByLabel = new Map<number, K[]>();

  protected abstract keysOf(value: PayloadValue): K[];
  /** The keys whose postings answer `c`, or null when this index cannot answer it. */
  protected abstract keysFor(c: FieldCondition): Iterable<K> | null;

  get pointCount(): number {
    return this.keysByLabel.size;
  }

  add(label: number, values: PayloadValue[]): void {
    const keys = [...new Set(values.flatMap((v) => this.keysOf(v)))];
    if (keys.length === 0) return;
    this.keysByLabel.set(label, keys);
    for (const key of keys) {
      let set = this.postings.get(key);
      if (!set) this.postings.set(key, (set = new Set()));
      set.add(label);
      this.keyAdded(key);
    }
  }

  remove(label: number): void {
    const keys = this.keysByLabel.get(label);
    if (!keys) return;
    this.keysByLabel.delete(label);
    for (const key of keys) {
      const set = this.postings.get(key)!;
      set.delete(label);
      if (set.size === 0) {
        this.postings.delete(key);
        this.keyRemoved(key);
      }
    }
  }

  protected keyAdded(_key: K): void {}
  protected keyRemoved(_key: K): void {}

  candidates(c: FieldCondition): Set<number> | null {
    const keys = this.keysFor(c);
    return keys ? union([...keys].map((k) => this.postings.get(k))) : null;
  }

  estimate(c: FieldCondition): number | null {
    const keys = this.keysFor(c);
    return keys ? Math.min(this.pointCount, sumSizes([...keys].map((k) => this.postings.get(k)))) : null;
  }
}

class KeywordIndex extends PostingIndex<string> {
  readonly type = 'FieldTypeKeyword' as const;
  protected keysOf(v: PayloadValue) {
    return typeof v === 'string' ? [v] : [];
  }
  protected keysFor(c: FieldCondition) {
    if (!c.match || c.range || c.datetimeRange || c.geoRadius || c.geoBoundingBox || c.geoPolygon) return null;
    if (c.match.kind === 'keyword') return [c.match.value];
    if (c.match.kind === 'keywords') return c.match.values;
    return null;
  }
}

class UuidIndex extends PostingIndex<string> {
  readonly type = 'FieldTypeUuid' as const;
  protected keysOf(v: PayloadValue) {
    return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? [v] : [];
  }
  protected keysFor(c: FieldCondition) {
    if (!c.match || c.range || c.datetimeRange || c.geoRadius || c.geoBoundingBox || c.geoPolygon) return null;
    if (c.match.kind === 'keyword') return [c.match.value];
    if (c.match.kind === 'keywords') return c.match.values;
    return null;
  }
}

class BoolIndex extends PostingIndex<boolean> {
  readonly type = 'FieldTypeBool' as const;
  protected keysOf(v: PayloadValue) {
    return typeof v === 'boolean' ? [v] : [];
  }
  protected keysFor(c: FieldCondition) {
    if (!c.match || c.range || c.datetimeRange || c.geoRadius || c.geoBoundingBox || c.geoPolygon) return null;
    return c.match.kind === 'bool' ? [c.match.value] : null;
  }
}

class TextIndex extends PostingIndex<string> {
  readonly type = 'FieldTypeText' as const;
  protected keysOf(v: PayloadValue) {
    return typeof v === 'string' ? tokenize(v) : [];
  }
  protected keysFor(c: FieldCondition) {
    if (!c.match || c.range || c.datetimeRange || c.geoRadius || c.geoBoundingBox || c.geoPolygon) return null;
    const m = c.match;
    return m.kind === 'text' || m.kind === 'text_any' || m.kind === 'phrase' ? tokenize(m.value) : null;
  }
  /** All query tokens (text, phrase) need every token's postings: the smallest one bounds them. */
  override candidates(c: FieldCondition): Set<number> | null {
    const tokens = this.keysFor(c);
    if (!tokens) return null;
    if (c.match!.kind === 'text_any') return super.candidates(c);
    if (tokens.length === 0) return new Set(); // nothing to look for: Qdrant matches nothing
    let smallest: Set<number> | undefined;
    for (const t of tokens) {
      const set = this.postings.get(t);
      if (!set) return new Set();
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    return new Set(smallest);
  }
  override estimate(c: FieldCondition): number | null {
    return this.candidates(c)?.size ?? null;
  }
}

/**
 * Ordered numeric keys (integer, float, datetime as microseconds): postings by key, and the keys
 * sorted lazily (after a change, on the next range question) for range lookups.
 */
abstract class OrderedIndex<K extends number | bigint> extends PostingIndex<K> {
  private sorted: K[] | null = null;

  protected override keyAdded(): void {
    this.sorted = null;
  }
  protected override keyRemoved(): void {
    this.sorted = null;
  }

  protected keysInRange(range: Range): K[] {
    this.sorted ??= [...this.postings.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const keys = this.sorted;
    // First key that may be in range, by binary search on the lower bound.
    const low = range.gte ?? range.gt;
    let lo = 0;
    if (low !== undefined) {
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (Number(keys[mid]) < low) lo = mid + 1;
        else hi = mid;
      }
    }
    const out: K[] = [];
    for (let i = lo; i < keys.length; i++) {
      const n = Number(keys[i]);
      if ((range.lt !== undefined && n >= range.lt) || (range.lte !== undefined && n > range.lte)) break;
      if (inRange(range, n)) out.push(keys[i]);
    }
    return out;
  }
}

class IntegerIndex extends OrderedIndex<bigint> {
  readonly type = 'FieldTypeInteger' as const;
  /** Labels whose field also holds doubles, which ranges match and this index does not hold. */
  private readonly withDoubles = new Set<number>();

  override add(label: number, values: PayloadValue[]): void {
    super.add(label, values);
    if (values.some((v) => typeof v === 'number')) this.withDoubles.add(label);
  }
  override remove(label: number): void {
    super.remove(label);
    this.withDoubles.delete(label);
  }
  protected keysOf(v: PayloadValue) {
    return typeof v === 'bigint' ? [v] : [];
  }
  protected keysFor(c: FieldCondition) {
    if (c.datetimeRange || c.geoRadius || c.geoBoundingBox || c.geoPolygon || (c.match && c.range)) return null;
    if (c.match?.kind === 'integer') return [c.match.value];
    if (c.match?.kind === 'integers') return c.match.values;
    if (c.match || !c.range) return null;
    return this.withDoubles.size === 0 ? this.keysInRange(c.range) : null;
  }
}

class FloatIndex extends OrderedIndex<number> {
  readonly type = 'FieldTypeFloat' as const;
  protected keysOf(v: PayloadValue) {
    return typeof v === 'number' || typeof v === 'bigint' ? [Number(v)] : [];
  }
  protected keysFor(c: FieldCondition) {
    if (!c.range || c.match || c.datetimeRange || c.geoRadius || c.geoBoundingBox || c.geoPolygon) return null;
    return this.keysInRange(c.range);
  }
}

class DatetimeIndex extends OrderedIndex<number> {
  readonly type = 'FieldTypeDatetime' as const;
  protected keysOf(v: PayloadValue) {
    const micros = typeof v === 'string' ? parseDatetime(v) : null;
    return micros === null ? [] : [micros];
  }
  protected keysFor(c: FieldCondition) {
    if (!c.datetimeRange || c.match || c.range || c.geoRadius || c.geoBoundingBox || c.geoPolygon) return null;
    return this.keysInRange(c.datetimeRange);
  }
}

/** Geo points by label; questions are answered by testing the held points (no payload parsing). */
class GeoIndex implements FieldIndex {
  readonly type = 'FieldTypeGeo' as const;
  private readonly points = new Map<number, GeoPoint[]>();

  get pointCount(): number {
    return this.points.size;
  }
  add(label: number, values: PayloadValue[]): void {
    const held = values.map(geoPointOf).filter((p): p is GeoPoint => p !== null);
    if (held.length) this.points.set(label, held);
  }
  remove(label: number): void {
    this.points.delete(label);
  }
  private test(c: FieldCondition): ((p: GeoPoint) => boolean) | null {
    if (c.match || c.range || c.datetimeRange) return null;
    const tests: ((p: GeoPoint) => boolean)[] = [];
    if (c.geoRadius) tests.push((p) => haversineMetres(c.geoRadius!.center, p) <= c.geoRadius!.radius);
    if (c.geoBoundingBox) tests.push((p) => inBoundingBox(p, c.geoBoundingBox!.topLeft, c.geoBoundingBox!.bottomRight));
    if (c.geoPolygon) tests.push((p) => inPolygon(p, c.geoPolygon!));
    return tests.length ? (p) => tests.some((t) => t(p)) : null;
  }
  candidates(c: FieldCondition): Set<number> | null {
    const test = this.test(c);
    if (!test) return null;
    const out = new Set<number>();
    for (const [label, held] of this.points) if (held.some(test)) out.add(label);
    return out;
  }
  estimate(c: FieldCondition): number | null {
    return this.candidates(c)?.size ?? null;
  }
}

export function createFieldIndex(type: string): FieldIndex | null {
  switch (type) {
    case 'FieldTypeKeyword': return new KeywordIndex();
    case 'FieldTypeInteger': return new IntegerIndex();
    case 'FieldTypeFloat': return new FloatIndex();
    case 'FieldTypeGeo': return new GeoIndex();
    case 'FieldTypeText': return new TextIndex();
    case 'FieldTypeBool': return new BoolIndex();
    case 'FieldTypeDatetime': return new DatetimeIndex();
    case 'FieldTypeUuid': return new UuidIndex();
    default: return null;
  }
}
