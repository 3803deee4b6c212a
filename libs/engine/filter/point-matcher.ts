// Filter evaluation over the labels of one shard store: which live points match a filter, how
// many (counted or estimated), as a list or as an allowed-label bitmap for the graph worker. It
// reads the store through MatchSubject only, and owns the store's payload indexes. Deterministic:
// answers depend on the store's state alone, so apply() may use them.
import type { Payload, PointId } from '../types.ts';
import { compileFilter, type EvaluationEnv } from './evaluate.ts';
import type { Filter } from './model.ts';
import { PayloadIndexes } from './payload-indexes.ts';
import { estimateBySampling } from './planner.ts';

/** What evaluation reads of a store. Labels are rows; a retired label has no id. */
export interface MatchSubject {
  ids(): readonly (PointId | undefined)[];
  payloads(): readonly (Payload | null)[];
  liveCount(): number;
  labelOf(id: PointId): number | undefined;
  hasVector(label: number, name: string): boolean;
}

/** Labels the payload indexes narrow a filter to: a superset of its matches (live or retired). */
export interface Candidates {
  size: number;
  labels: Set<number>;
}

export class PointMatcher {
  /** Kept current by the store (declare, drop, payloadChanged). */
  readonly indexes = new PayloadIndexes();
  private readonly env: EvaluationEnv;

  constructor(private readonly subject: MatchSubject) {
    this.env = {
      hasVector: (label, name) => subject.hasVector(label, name),
      textIndexed: (path) => this.indexes.textIndexed(path),
    };
  }

  /** The filter as a test of labels: false for retired labels. */
  test(filter: Filter): (label: number) => boolean {
    const matches = compileFilter(filter, this.env);
    const ids = this.subject.ids();
    const payloads = this.subject.payloads();
    return (label) => {
      const id = ids[label];
      return id !== undefined && matches({ label, id, payload: payloads[label] });
    };
  }

  candidates(filter: Filter): Candidates | null {
    return this.indexes.candidates(filter, (id) => this.subject.labelOf(id));
  }

  /**
   * A byte per label, 1 for the live points matching `filter` (on a SharedArrayBuffer when
   * `shared`, for the graph worker), and how many there are. Only candidates are tested, if any.
   */
  bitmap(filter: Filter, shared = false, candidates = this.candidates(filter)): { allowed: Uint8Array; count: number } {
    const n = this.subject.ids().length;
    const allowed = new Uint8Array(shared ? new SharedArrayBuffer(Math.max(1, n)) : new ArrayBuffer(Math.max(1, n)));
    const test = this.test(filter);
    let count = 0;
    const mark = (label: number) => {
      if (label < n && test(label)) {
        allowed[label] = 1;
        count++;
      }
    };
    if (candidates) for (const label of candidates.labels) mark(label);
    else for (let label = 0; label < n; label++) mark(label);
    return { allowed, count };
  }

  /** Labels of the live points matching `filter`, ascending. */
  labels(filter: Filter): number[] {
    const { allowed } = this.bitmap(filter);
    const out: number[] = [];
    for (let label = 0; label < allowed.length; label++) if (allowed[label] === 1) out.push(label);
    return out;
  }

  /** The planner's cardinality estimate: the candidates' number (an upper bound), or a sample. */
  estimate(filter: Filter, candidates = this.candidates(filter)): number {
    const live = this.subject.liveCount();
    if (candidates) return Math.min(candidates.size, live);
    const test = this.test(filter);
    const ids = this.subject.ids();
    return estimateBySampling(ids.length, live, (label) => (ids[label] === undefined ? undefined : test(label)));
  }
}
