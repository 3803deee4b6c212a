// Qdrant's payload key paths: `a`, `a.b`, `a[].b` (every element of the array a), `a[2].b` (one
// element), `"quoted.key".c`. A path names zero or more values; arrays are expanded only where the
// path says `[]` (the last value may itself be an array: conditions test its elements).
import type { PayloadValue } from '../types.ts';

export type PathStep = { key: string } | { index: number } | { all: true };

/** The steps of a path, or null when it is malformed. */
export function parsePath(path: string): PathStep[] | null {
  const steps: PathStep[] = [];
  let i = 0;
  const n = path.length;
  if (n === 0) return null;
  while (i < n) {
    if (path[i] === '"') {
      const end = path.indexOf('"', i + 1);
      if (end < 0 || end === i + 1) return null;
      steps.push({ key: path.slice(i + 1, end) });
      i = end + 1;
    } else {
      let end = i;
      while (end < n && path[end] !== '.' && path[end] !== '[') end++;
      if (end === i) return null;
      steps.push({ key: path.slice(i, end) });
      i = end;
    }
    while (i < n && path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return null;
      const inside = path.slice(i + 1, close);
      if (inside === '') steps.push({ all: true });
      else if (/^\d+$/.test(inside)) steps.push({ index: Number(inside) });
      else return null;
      i = close + 1;
    }
    if (i < n) {
      if (path[i] !== '.' || i === n - 1) return null;
      i++;
    }
  }
  return steps;
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
