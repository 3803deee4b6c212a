// Filter evaluation (Qdrant's condition checker): a filter is compiled once into a predicate over
// points. Semantics:
// - must: all hold; should: at least one holds; must_not: none holds; min_should: at least
//   min_count hold. An absent or empty list is no constraint.
// - A field's values are those its path names (json-path.ts). An array value matches when one of
//   its elements does. A missing field fails every match, range and geo test (except_* included,
//   as Qdrant's check of an empty field looks only at is_empty / is_null); values_count sees 0
//   there (Qdrant's documented rule); is_empty holds and is_null does not.
// - is_empty: missing, null or []. is_null: an explicit null, or an array holding null.
// - Several sub-conditions in one FieldCondition: values_count, else is_empty, else is_null, else
//   match OR range OR datetime_range OR geo_*.
// - Match.text / text_any / phrase: token tests when a full-text index covers the path, substring
//   tests otherwise (a phrase is then one substring, text_any any of its whitespace words).
import type { Payload, PayloadValue, PointId } from '../types.ts';
import { parseDatetime } from './datetime.ts';
import { geoPointOf, haversineMetres, inBoundingBox, inPolygon } from './geo.ts';
import { parsePath, valuesAt } from './json-path.ts';
import { type Condition, type FieldCondition, type Filter, inRange, type Match } from './model.ts';
import { containsPhrase, tokenize } from './text.ts';

export interface PointView {
  label: number;
  id: PointId;
  payload: Payload | null;
}

export interface EvaluationEnv {
  /** Whether the point at `label` has the vector `name` ('' = the default unnamed vector). */
  hasVector(label: number, name: string): boolean;
  /** Whether a full-text payload index covers this full path. */
  textIndexed(path: string): boolean;
}

type Predicate = (root: PayloadValue | null, point: PointView) => boolean;

/** The filter as a predicate over points. Deterministic: it reads only the point and `env`. */
export function compileFilter(filter: Filter, env: EvaluationEnv): (point: PointView) => boolean {
  const predicate = compile(filter, env, '');
  return (point) => predicate(point.payload, point);
}

function compile(filter: Filter, env: EvaluationEnv, prefix: string): Predicate {
  const parts: Predicate[] = [];
  const must = (filter.must ?? []).map((c) => condition(c, env, prefix));
  const should = (filter.should ?? []).map((c) => condition(c, env, prefix));
  const mustNot = (filter.mustNot ?? []).map((c) => condition(c, env, prefix));
  if (must.length) parts.push((root, p) => must.every((c) => c(root, p)));
  if (should.length) parts.push((root, p) => should.some((c) => c(root, p)));
  if (mustNot.length) parts.push((root, p) => !mustNot.some((c) => c(root, p)));
  if (filter.minShould) {
    const { minCount } = filter.minShould;
    const listed = filter.minShould.conditions.map((c) => condition(c, env, prefix));
    parts.push((root, p) => {
      let held = 0;
      for (const c of listed) if (c(root, p) && ++held >= minCount) return true;
      return false;
    });
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0];
  return (root, p) => parts.every((part) => part(root, p));
}

function stepsOf(key: string) {
  const steps = parsePath(key);
  if (!steps) throw new Error(`malformed payload path ${JSON.stringify(key)}`); // validated at the edge
  return steps;
}

function condition(c: Condition, env: EvaluationEnv, prefix: string): Predicate {
  switch (c.kind) {
    case 'field':
      return fieldCondition(c, env, prefix);
    case 'is_empty': {
      const steps = stepsOf(c.key);
      return (root) => isEmptyValues(valuesAt(root, steps));
    }
    case 'is_null': {
      const steps = stepsOf(c.key);
      return (root) => isNullValues(valuesAt(root, steps));
    }
    case 'has_id': {
      const ids = new Set<PointId>(c.ids);
      return (_root, p) => ids.has(p.id);
    }
    case 'has_vector':
      return (_root, p) => env.hasVector(p.label, c.name);
    case 'filter':
      return compile(c.filter, env, prefix);
    case 'nested': {
      const steps = [...stepsOf(c.key), { all: true as const }];
      const inner = compile(c.filter, env, `${prefix}${c.key}[].`);
      return (root, p) => valuesAt(root, steps).some((element) => inner(element, p));
    }
  }
}

function isEmptyValues(values: PayloadValue[]): boolean {
  return values.every((v) => v === null || (Array.isArray(v) && v.length === 0));
}

function isNullValues(values: PayloadValue[]): boolean {
  return values.some((v) => v === null || (Array.isArray(v) && v.includes(null)));
}

function countValues(values: PayloadValue[]): number {
  let n = 0;
  for (const v of values) n += v === null ? 0 : Array.isArray(v) ? v.length : 1;
  return n;
}

function fieldCondition(c: FieldCondition, env: EvaluationEnv, prefix: string): Predicate {
  const steps = stepsOf(c.key);
  if (c.valuesCount) {
    const range = c.valuesCount;
    return (root) => inRange(range, countValues(valuesAt(root, steps)));
  }
  if (c.isEmpty !== undefined) {
    const want = c.isEmpty;
    return (root) => isEmptyValues(valuesAt(root, steps)) === want;
  }
  if (c.isNull !== undefined) {
    const want = c.isNull;
    return (root) => isNullValues(valuesAt(root, steps)) === want;
  }
  const one = valueTest(c, env.textIndexed(prefix + c.key));
  return (root) => {
    const values = valuesAt(root, steps);
    for (const v of values) {
      if (Array.isArray(v) ? v.some(one) : one(v)) return true;
    }
    return false;
  };
}

/** The OR of a field condition's value tests, for one (non-array) value. */
export function valueTest(c: FieldCondition, textIndexed: boolean): (v: PayloadValue) => boolean {
  const tests: ((v: PayloadValue) => boolean)[] = [];
  if (c.match) tests.push(matchTest(c.match, textIndexed));
  if (c.range) {
    const range = c.range;
    tests.push((v) => (typeof v === 'number' || typeof v === 'bigint') && inRange(range, Number(v)));
  }
  if (c.datetimeRange) {
    const range = c.datetimeRange;
    tests.push((v) => {
      if (typeof v !== 'string') return false;
      const micros = parseDatetime(v);
      return micros !== null && inRange(range, micros);
    });
  }
  if (c.geoRadius) {
    const { center, radius } = c.geoRadius;
    tests.push((v) => {
      const p = geoPointOf(v);
      return p !== null && haversineMetres(center, p) <= radius;
    });
  }
  if (c.geoBoundingBox) {
    const { topLeft, bottomRight } = c.geoBoundingBox;
    tests.push((v) => {
      const p = geoPointOf(v);
      return p !== null && inBoundingBox(p, topLeft, bottomRight);
    });
  }
  if (c.geoPolygon) {
    const polygon = c.geoPolygon;
    tests.push((v) => {
      const p = geoPointOf(v);
      return p !== null && inPolygon(p, polygon);
    });
  }
  if (tests.length === 1) return tests[0];
  return (v) => tests.some((t) => t(v));
}

function matchTest(m: Match, textIndexed: boolean): (v: PayloadValue) => boolean {
  switch (m.kind) {
    case 'keyword':
      return (v) => v === m.value;
    case 'integer':
      return (v) => v === m.value;
    case 'bool':
      return (v) => v === m.value;
    case 'keywords': {
      const set = new Set(m.values);
      return (v) => typeof v === 'string' && set.has(v);
    }
    case 'integers': {
      const set = new Set(m.values);
      return (v) => typeof v === 'bigint' && set.has(v);
    }
    case 'except_keywords': {
      const set = new Set(m.values);
      return (v) => typeof v !== 'string' || !set.has(v);
    }
    case 'except_integers': {
      const set = new Set(m.values);
      return (v) => typeof v !== 'bigint' || !set.has(v);
    }
    case 'text':
    case 'text_any':
    case 'phrase':
      return textTest(m.kind, m.value, textIndexed);
  }
}

function textTest(kind: 'text' | 'text_any' | 'phrase', query: string, textIndexed: boolean): (v: PayloadValue) => boolean {
  if (textIndexed) {
    const wanted = tokenize(query);
    if (kind === 'phrase') return (v) => typeof v === 'string' && containsPhrase(tokenize(v), wanted);
    return (v) => {
      if (typeof v !== 'string') return false;
      const have = new Set(tokenize(v));
      return kind === 'text' ? wanted.every((t) => have.has(t)) : wanted.some((t) => have.has(t));
    };
  }
  if (kind === 'text_any') {
    const words = query.split(/\s+/).filter((w) => w.length > 0);
    return (v) => typeof v === 'string' && words.some((w) => v.includes(w));
  }
  return (v) => typeof v === 'string' && v.includes(query);
}
