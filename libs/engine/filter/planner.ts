// The per-shard plan of a filtered search (Qdrant's query planner, simplified):
// - estimate how many points the filter can match: the payload indexes' candidate count when an
//   index narrows the filter (an upper bound), else a deterministic sample of the points;
// - below the full-scan threshold (expressed in points), score exactly the matching points;
// - otherwise walk the HNSW graph with the filter applied inside the walk (an allowed-label
//   bitmap), with ef raised by the inverse selectivity, plus the exact filtered scan of the
//   unindexed tail.

/** How many labels a sampling estimate looks at. */
export const SAMPLE_SIZE = 512;

/** The full-scan threshold in points: Qdrant's threshold is in kilobytes of vectors. */
export function thresholdPoints(fullScanThresholdKb: number, dim: number): number {
  return dim > 0 ? Math.floor((fullScanThresholdKb * 1024) / (dim * 4)) : Number.POSITIVE_INFINITY;
}

/**
 * Estimated matches among `labelCount` labels, by testing up to SAMPLE_SIZE labels evenly spread
 * (test returns undefined for retired labels, which do not count). Deterministic.
 */
export function estimateBySampling(labelCount: number, liveCount: number, test: (label: number) => boolean | undefined): number {
  if (labelCount === 0 || liveCount === 0) return 0;
  const step = Math.max(1, labelCount / SAMPLE_SIZE);
  let seen = 0;
  let held = 0;
  for (let at = 0; at < labelCount; at += step) {
    const result = test(Math.floor(at));
    if (result === undefined) continue;
    seen++;
    if (result) held++;
  }
  if (seen === 0) return liveCount;
  // Conservative: one more match than seen, so a rare filter is not estimated to match nothing.
  return Math.min(liveCount, Math.ceil(((held + 1) / seen) * liveCount));
}

/** The beam width of a filtered graph walk: wider as fewer points pass, within a bound. */
export function filteredEf(ef: number, top: number, matched: number, live: number): number {
  const selectivity = live > 0 ? Math.max(matched / live, 1e-3) : 1;
  return Math.ceil(Math.min(Math.max(ef, top) / selectivity, Math.max(ef, top, 4096)));
}
