// Reading payload values by Qdrant's key paths: `a`, `a.b`, `a[].b` (every element of the array
// a), `a[2].b` (one element), `"quoted.key".c` (parsed by ../json-path.ts). A path names zero or
// more values; arrays are expanded only where the path says `[]` (the last value may itself be an
// array: conditions test its elements).
import { parseJsonPath } from '../json-path.ts';
import type { PayloadValue } from '../types.ts';

export type PathStep = { key: string } | { index: number } | { all: true };

/** The steps of a path (Qdrant's key-path syntax, one parser for the repo), or null when it is malformed. */
export function parsePath(path: string): PathStep[] | null {
  const parsed = parseJsonPath(path);
  if (!parsed) return null;
  return [{ key: parsed.first }, ...parsed.rest.map((step): PathStep => ('every' in step ? { all: true } : step))];
}

function isObject(value: PayloadValue | undefined): value is { [key: string]: PayloadValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values a path names in `root`; empty when the path leads nowhere (a missing field). */
export function valuesAt(root: PayloadValue | null | undefined, steps: PathStep[]): PayloadValue[] {
  let current: PayloadValue[] = root === null || root === undefined ? [] : [root];
  for (const step of steps) {
    const next: PayloadValue[] = [];
    for (const value of current) {
      if ('key' in step) {
        if (isObject(value) && Object.hasOwn(value, step.key)) next.push(value[step.key]);
      } else if (Array.isArray(value)) {
        if ('all' in step) next.push(...value);
        else if (step.index < value.length) next.push(value[step.index]);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
