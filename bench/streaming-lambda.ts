import { join } from 'node:path';
import { percentile } from './load';
import { bundle, Child, ROOT, spawnNode, waitForOutput } from './processes';

/**
 * Concurrency levels of the streaming Lambda entry point's first-chunk measurement. One process serves all concurrent
 * streams, where Lambda would run one execution environment per stream, each with its own CPU share. Giving each
 * stream its own process here does not bring the measurement closer to Lambda: this machine's few cores are shared
 * all the same, by sixteen processes that each warm up on their own (measured at concurrency 16: slower than one
 * process). At concurrency 16 the figure is therefore CPU contention: the entry point's process does the
 * SDK's work for the streams plus the app's and the stand-in's, where the direct client does only the SDK's.
 */
export const STREAMING_LAMBDA_CONCURRENCY = [1, 16];

/**
 * Streams sent through the entry point before it is measured (at concurrency 16). V8 optimizes a function only after
 * many calls: by the time streams are measured, the direct SDK client and the server have served thousands of
 * requests in the throughput runs, while a fresh entry point process would still run the same SDK and app code
 * unoptimized, and the figure would be its JIT's warm-up. A Lambda instance serving steady traffic is warm too; the
 * cold start has its own figures (module init, first invocation).
 */
export const STREAMING_LAMBDA_WARM_UP = 2000;

/**
 * Starts the bundled streaming Lambda entry point behind the local API Gateway stand-in, configured like the
 * deployed function, against the emulator at `endpoint`. Returns the child and its stage URL's port and path prefix.
 */
export async function startStreamingLambda(endpoint: string, apiKey: string): Promise<{ child: Child; port: number; stagePath: string }> {
  const child = spawnNode(bundle(join(__dirname, 'streaming-lambda-process.ts')), {
    BENCH_ROOT: ROOT,
    API_KEY: apiKey,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint,
    AWS_ENDPOINT_URL_BEDROCK: endpoint,
    // Lambda sends stdout to CloudWatch Logs; here it carries the stage URL, so the access log is off.
    LOG_LEVEL: 'silent',
  });
  const stageUrl = new URL(JSON.parse((await waitForOutput(child, /^\{.*\}$/m))[0]).stageUrl as string);
  return { child, port: Number(stageUrl.port), stagePath: stageUrl.pathname };
}

/**
 * Time to the first content chunk with `concurrency` clients each sending streams one after the other, after a
 * warm-up: `samples` measurements in all, sorted.
 */
export async function firstChunkDelaysAt(concurrency: number, samples: number, measure: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await measure();
  const delays: number[] = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (delays.length < samples) delays.push(await measure());
  }));
  return delays.sort((a, b) => a - b);
}

/** Sends `count` streams at `concurrency` through `measure` and discards their timings. */
export async function warmUp(count: number, concurrency: number, measure: () => Promise<number>): Promise<void> {
  await firstChunkDelaysAt(concurrency, count, measure);
}

/** Table rows: per concurrency, the direct stream's and the entry point's first-chunk p50/p99 and what it adds. */
export function streamingLambdaRows(results: Array<{ c: number; direct: number[]; lambda: number[] }>): (string | number)[][] {
  const fmt = (n: number) => n.toFixed(2);
  return results.map(({ c, direct, lambda }) => [
    c, fmt(percentile(direct, 50)), fmt(percentile(lambda, 50)), fmt(percentile(lambda, 50) - percentile(direct, 50)),
    fmt(percentile(direct, 99)), fmt(percentile(lambda, 99)),
  ]);
}
