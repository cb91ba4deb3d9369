/** Latency and throughput of one load level. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `call` from `concurrency` workers for `durationMs` after a short warm-up; failed calls count as errors. */
export async function runLoad(concurrency: number, durationMs: number, call: () => Promise<void>): Promise<LoadResult> {
  const warmUpUntil = performance.now() + Math.min(500, durationMs / 4);
  const latencies: number[] = [];
  let errors = 0;
  let measuringFrom = 0;
  let stopAt = Infinity;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const start = performance.now();
      try {
        await call();
        if (start >= measuringFrom && measuringFrom > 0) latencies.push(performance.now() - start);
      } catch {
        if (start >= measuringFrom && measuringFrom > 0) errors++;
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  while (performance.now() < warmUpUntil) await new Promise((r) => setTimeout(r, 10));
  measuringFrom = performance.now();
  stopAt = measuringFrom + durationMs;
  await Promise.all(workers);
  const elapsed = (performance.now() - measuringFrom) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The median of each measure over interleaved runs of one load level. */
export function medianResult(results: LoadResult[]): LoadResult {
  return {
    requests: median(results.map((r) => r.requests)),
    errors: results.reduce((n, r) => n + r.errors, 0),
    rps: median(results.map((r) => r.rps)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
  };
}
