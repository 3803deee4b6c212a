// The payload indexes of one shard replica: declared per field path, built from the payloads when
// declared (or when a store is restored), and kept current by payloadChanged() on every change.
// They narrow a filter down to candidate labels (a superset of the matches) and bound how many
// points a filter can match, which is what the planner decides on.
import type { Payload, PayloadValue, PointId } from '../types.ts';
import { createFieldIndex, type FieldIndex } from './field-index.ts';
import { type PathStep, parsePath, valuesAt } from './json-path.ts';
import type { Condition, Filter } from './model.ts';

interface IndexedField {
  steps: PathStep[];
  index: FieldIndex;
}

/** Candidate labels for a filter (a superset of its matches), with their number. */
interface Narrowing {
  size: number;
  labels: () => Set<number>;
}

export class PayloadIndexes {
  private readonly fields = new Map<string, IndexedField>();

  /**
   * Declares (or re-declares with another type) an index on `field` and builds it from `payloads`
   * (by label; null for points without payload or retired labels). Unknown types are ignored.
   */
  declare(field: string, type: string, payloads: readonly (Payload | null)[]): void {
    const steps = parsePath(field);
    const index = createFieldIndex(type);
    if (!steps || !index) {
      this.fields.delete(field);
      return;
    }
    const entry = { steps, index };
    for (let label = 0; label < payloads.length; label++) {
      const payload = payloads[label];
      if (payload) index.add(label, indexValues(payload, steps));
    }
    this.fields.set(field, entry);
  }

  drop(field: string): void {
    this.fields.delete(field);
  }

  /** Keeps every index current: call whenever the payload stored at `label` changes. */
  payloadChanged(label: number, before: Payload | null, after: Payload | null): void {
    if (before === after) return;
    for (const { steps, index } of this.fields.values()) {
      if (before) index.remove(label);
      if (after) index.add(label, indexValues(after, steps));
    }
  }

  textIndexed(path: string): boolean {
    return this.fields.get(path)?.index.type === 'FieldTypeText';
  }

  /** Points with at least one indexable value, per indexed field. */
  pointCounts(): Map<string, number> {
    return new Map([...this.fields].map(([field, { index }]) => [field, index.pointCount]));
  }

  /**
   * The narrowest candidate set the indexes give for `filter` (a superset of the labels it
   * matches, live or retired), or null when no index helps.
   */
  candidates(filter: Filter, labelOf: (id: PointId) => number | undefined): { size: number; labels: Set<number> } | null {
    const best = this.narrow(filter, labelOf);
    return best ? { size: best.size, labels: best.labels() } : null;
  }

  private narrow(filter: Filter, labelOf: (id: PointId) => number | undefined): Narrowing | null {
    let best: Narrowing | null = null;
    const consider = (n: Narrowing | null) => {
      if (n && (!best || n.size < best.size)) best = n;
    };
    for (const c of filter.must ?? []) consider(this.narrowCondition(c, labelOf));
    for (const group of [filter.should, filter.minShould?.conditions]) {
      if (!group?.length) continue;
      const parts = group.map((c) => this.narrowCondition(c, labelOf));
      if (parts.every((p) => p !== null)) {
        const all = parts as Narrowing[];
        consider({
          size: all.reduce((n, p) => n + p.size, 0),
          labels: () => {
            const out = new Set<number>();
            for (const p of all) for (const label of p.labels()) out.add(label);
            return out;
          },
        });
      }
    }
    return best;
  }

  private narrowCondition(c: Condition, labelOf: (id: PointId) => number | undefined): Narrowing | null {
    switch (c.kind) {
      case 'field': {
        const index = this.fields.get(c.key)?.index;
        const size = index?.estimate(c);
        if (!index || size === null || size === undefined) return null;
        return { size, labels: () => index.candidates(c) ?? new Set() };
      }
      case 'has_id': {
        const labels = new Set<number>();
        for (const id of c.ids) {
          const label = labelOf(id);
          if (label !== undefined) labels.add(label);
        }
        return { size: labels.size, labels: () => labels };
      }
      case 'filter':
        return this.narrow(c.filter, labelOf);
      default:
        return null;
    }
  }
}

/** The values an index holds for a payload: those at its path, arrays expanded one level. */
function indexValues(payload: Payload, steps: PathStep[]): PayloadValue[] {
  return valuesAt(payload, steps).flatMap((v) => (Array.isArray(v) ? v : [v]));
}
