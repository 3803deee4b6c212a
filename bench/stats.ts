// Small timing helpers for the benchmark.
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function timeEach(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Times `a` and `b` `count` times each, one after the other in turn; returns both sets of samples. */
export async function timeAlternately(count: number, a: (i: number) => Promise<unknown>, b: (i: number) => Promise<unknown>): Promise<[number[], number[]]> {
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < count; i++) {
    for (const [k, run] of [a, b].entries()) {
      const start = performance.now();
      await run(i);
      samples[k].push(performance.now() - start);
    }
  }
  return samples;
}

export const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
