// Qdrant's payload key paths ("a.b", "a[0].b", "a[].b", "\"dotted.key\".c") and the two payload
// edits that take one: set (merge an object at the path) and remove. Semantics follow Qdrant's
// JsonPath value_set / value_remove:
// - set, walking the path: a key step turns a non-object in the way into {} (creating missing
//   keys); an index step turns a non-array into [] and descends only into an existing element (an
//   index past the end sets nothing); a `[]` step descends into every element, and turns a
//   non-array into [] (setting nothing). At the end, a non-object becomes {} and the new keys are
//   merged into it.
// - merge: top-level keys of the new object replace the old ones; a key whose new value is null
//   is removed instead (Qdrant's merge_map).
// - remove: missing steps and type mismatches remove nothing; a final key is removed from its
//   object; a final `[]` empties the array; a final `[n]` removes nothing (not idempotent, so
//   Qdrant refuses to do it).
// All edits work on the object they are given: callers pass a copy (payloads are shared).
import type { Payload, PayloadValue } from './types.ts';

export type PathStep = { key: string } | { index: number } | { every: true };

/** A parsed path: always starts with a key. */
export interface JsonPath {
  first: string;
  rest: PathStep[];
}

const RAW_KEY = /^[\p{L}\p{N}_-]+/u;

function readKey(text: string, at: number): { key: string; next: number } | null {
  if (text[at] === '"') {
    const end = text.indexOf('"', at + 1);
    if (end < 0) return null;
    const key = text.slice(at + 1, end);
    if (key.includes('\\')) return null;
    return { key, next: end + 1 };
  }
  const match = RAW_KEY.exec(text.slice(at));
  return match ? { key: match[0], next: at + match[0].length } : null;
}

/** The path, or null when it is not a valid Qdrant key path. */
export function parseJsonPath(text: string): JsonPath | null {
  const head = readKey(text, 0);
  if (!head) return null;
  const rest: PathStep[] = [];
  let at = head.next;
  while (at < text.length) {
    if (text[at] === '.') {
      const key = readKey(text, at + 1);
      if (!key) return null;
      rest.push({ key: key.key });
      at = key.next;
    } else if (text.startsWith('[]', at)) {
      rest.push({ every: true });
      at += 2;
    } else if (text[at] === '[') {
      const match = /^\[(\d+)\]/.exec(text.slice(at));
      if (!match) return null;
      const index = Number(match[1]);
      if (!Number.isSafeInteger(index)) return null;
      rest.push({ index });
      at += match[0].length;
    } else {
      return null;
    }
  }
  return { first: head.key, rest };
}

function isObject(value: PayloadValue | undefined): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's own value at `key` (never an inherited one such as `constructor`), null if none. */
function own(object: Payload, key: string): PayloadValue {
  return Object.hasOwn(object, key) ? object[key] : null;
}

/** Merges `source` into `target` (top-level keys; null removes the key). */
export function mergeInto(target: Payload, source: Payload): void {
  for (const key of Object.keys(source)) {
    if (source[key] === null) delete target[key];
    else target[key] = source[key];
  }
}

/** Merges `source` at `path` inside `target` (see the rules above). */
export function setAtPath(target: Payload, path: JsonPath, source: Payload): void {
  target[path.first] = setInValue(own(target, path.first), path.rest, source);
}

function setInValue(value: PayloadValue, steps: PathStep[], source: Payload): PayloadValue {
  if (steps.length === 0) {
    const object = isObject(value) ? value : {};
    mergeInto(object, source);
    return object;
  }
  const [step, ...rest] = steps;
  if ('key' in step) {
    const object = isObject(value) ? value : {};
    object[step.key] = setInValue(own(object, step.key), rest, source);
    return object;
  }
  if (!Array.isArray(value)) return [];
  if ('index' in step) {
    if (step.index < value.length) value[step.index] = setInValue(value[step.index], rest, source);
    return value;
  }
  for (let i = 0; i < value.length; i++) value[i] = setInValue(value[i], rest, source);
  return value;
}

/** Removes what `path` names inside `target` (see the rules above). */
export function removeAtPath(target: Payload, path: JsonPath): void {
  if (path.rest.length === 0) {
    delete target[path.first];
    return;
  }
  if (Object.hasOwn(target, path.first)) removeInValue(target[path.first], path.rest);
}

function removeInValue(value: PayloadValue, steps: PathStep[]): void {
  const [step, ...rest] = steps;
  const last = rest.length === 0;
  if ('key' in step) {
    if (!isObject(value) || !Object.hasOwn(value, step.key)) return;
    if (last) delete value[step.key];
    else removeInValue(value[step.key], rest);
    return;
  }
  if (!Array.isArray(value)) return;
  if ('index' in step) {
    if (!last && step.index < value.length) removeInValue(value[step.index], rest);
    return;
  }
  if (last) value.length = 0;
  else for (const element of value) removeInValue(element, rest);
}
