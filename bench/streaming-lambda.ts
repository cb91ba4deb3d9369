import { join } from 'node:path';
import { percentile } from './load';
import { bundle, Child, ROOT, spawnNode, waitForOutput } from './processes';

/** Concurrency levels of the streaming Lambda entry point's first-chunk measurement. */
export const STREAMING_LAMBDA_CONCURRENCY = [1, 16];

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

/** Table rows: per concurrency, the direct stream's and the entry point's first-chunk p50/p99 and what it adds. */
export function streamingLambdaRows(results: Array<{ c: number; direct: number[]; lambda: number[] }>): (string | number)[][] {
  const fmt = (n: number) => n.toFixed(2);
  return results.map(({ c, direct, lambda }) => [
    c, fmt(percentile(direct, 50)), fmt(percentile(lambda, 50)), fmt(percentile(lambda, 50) - percentile(direct, 50)),
    fmt(percentile(direct, 99)), fmt(percentile(lambda, 99)),
  ]);
}
