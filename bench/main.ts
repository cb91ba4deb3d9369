/**
 * Benchmark: the gateway (bundled server, own process) against direct AWS SDK calls, both on the Bedrock emulator
 * (own process). Run with `npx projen bench` (bundles first); `-- --duration 2000 --rounds 3` sets the milliseconds per
 * run and the interleaved rounds per concurrency level (medians are reported).
 *
 * Measures non-streaming chat throughput and latency at concurrency 1/16/64, the first-chunk delay the gateway
 * adds to streams (the server, and the streaming Lambda entry point behind a local API Gateway stand-in at
 * concurrency 1/16, bench/streaming-lambda.ts), `/responses` against chat completions (bench/responses.ts: throughput
 * at concurrency 64, streaming first-event delay), bundle sizes, Lambda module init time, the gateway's peak RSS under
 * load, and what a key's limits cost (bench/limits.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { gatewayClient, startGateway } from './gateway';
import { limitsRows } from './limits';
import { LoadResult, median, medianResult, percentile, runLoad } from './load';
import { bundle, Child, peakRssMb, ROOT, spawnNode, waitForOutput } from './processes';
import { benchResponses } from './responses';
import { firstChunkDelaysAt, startStreamingLambda, STREAMING_LAMBDA_CONCURRENCY, STREAMING_LAMBDA_WARM_UP, streamingLambdaRows, warmUp } from './streaming-lambda';

const MODEL = 'amazon.nova-lite-v1:0';
const PROMPT = 'alpha beta gamma delta epsilon zeta eta theta';
const API_KEY = 'sk-bench';
const CONCURRENCY = [1, 16, 64];
const STREAM_SAMPLES = 200;
const durationArg = process.argv.indexOf('--duration');
const DURATION_MS = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 2000;
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

const converseInput = { modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text: PROMPT }] }] };
const chatBody = (stream: boolean) => JSON.stringify({ model: MODEL, stream, messages: [{ role: 'user', content: PROMPT }] });

function moduleInitMs(endpoint: string): { requireMs: number; firstInvokeMs: number } {
  const script = `
    const t0 = performance.now();
    const { handler } = require(${JSON.stringify(join(ROOT, 'assets', 'lambda', 'index.js'))});
    const t1 = performance.now();
    handler({ requestContext: { elb: {} }, httpMethod: 'GET', path: '/health', headers: {}, body: '', isBase64Encoded: false }, { getRemainingTimeInMillis: () => 60_000 })
      .then((r) => { const t2 = performance.now(); console.log(JSON.stringify({ requireMs: t1 - t0, firstInvokeMs: t2 - t1, status: r.statusCode })); });`;
  const runs = Array.from({ length: 7 }, () => {
    const out = spawnSync(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        API_KEY,
        AWS_REGION: 'us-east-1',
        LOG_LEVEL: 'silent',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint,
        AWS_ENDPOINT_URL_BEDROCK: endpoint,
      },
      encoding: 'utf8',
    });
    return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { requireMs: number; firstInvokeMs: number };
  });
  return { requireMs: median(runs.map((r) => r.requireMs)), firstInvokeMs: median(runs.map((r) => r.firstInvokeMs)) };
}

function sizeOf(file: string): { bytes: number; gzipBytes: number } {
  return { bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file)).length };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

async function main(): Promise<void> {
  const lambdaBundle = join(ROOT, 'assets', 'lambda', 'index.js');
  const serverBundle = join(ROOT, 'assets', 'container', 'server.js');
  if (!existsSync(lambdaBundle) || !existsSync(serverBundle)) throw new Error('assets/ is missing: run `npx projen bench` (it bundles first)');

  const children: Child[] = [];
  try {
    const emulator = spawnNode(bundle(join(__dirname, 'emulator-process.ts')), {});
    children.push(emulator);
    const endpoint = JSON.parse((await waitForOutput(emulator, /^\{.*\}$/m))[0]).endpoint as string;
    const gateway = await startGateway(serverBundle, endpoint, { API_KEY });
    children.push(gateway.child);

    const http1 = new BedrockRuntimeClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpAgent: { maxSockets: 256 } }) });
    const http2 = new BedrockRuntimeClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new NodeHttp2Handler({}) });
    const viaGateway = gatewayClient(gateway.port, API_KEY);

    const paths: Array<{ name: string; call: () => Promise<void> }> = [
      { name: 'direct SDK (HTTP/1.1 keep-alive)', call: async () => { await http1.send(new ConverseCommand(converseInput)); } },
      { name: 'direct SDK (HTTP/2)', call: async () => { await http2.send(new ConverseCommand(converseInput)); } },
      { name: 'through the gateway', call: () => viaGateway(chatBody(false)) },
    ];
    // Rounds interleave the paths so that load from elsewhere on the machine hits them alike; medians are reported.
    const throughput: Array<{ name: string; c: number; r: LoadResult }> = [];
    for (const c of CONCURRENCY) {
      const runs = new Map<string, LoadResult[]>(paths.map((p) => [p.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const path of paths) runs.get(path.name)!.push(await runLoad(c, DURATION_MS, path.call));
      }
      for (const path of paths) throughput.push({ name: path.name, c, r: medianResult(runs.get(path.name)!) });
    }
    const rss = peakRssMb(gateway.child.process.pid!);

    const directFirstChunk = async () => {
      const start = performance.now();
      let first = NaN;
      const out = await http1.send(new ConverseStreamCommand(converseInput));
      for await (const event of out.stream!) if (event.contentBlockDelta && Number.isNaN(first)) first = performance.now() - start;
      return first;
    };
    const gatewayFirstChunk = async (client: ReturnType<typeof gatewayClient>) => {
      const start = performance.now();
      let first = NaN;
      let seen = '';
      await client(chatBody(true), (chunk) => {
        seen += chunk.toString('utf8');
        if (Number.isNaN(first) && seen.includes('alpha')) first = performance.now() - start;
      });
      return first;
    };
    const direct = await firstChunkDelaysAt(1, STREAM_SAMPLES, directFirstChunk);
    const gatewayFirst = await firstChunkDelaysAt(1, STREAM_SAMPLES, () => gatewayFirstChunk(viaGateway));
    // The streaming Lambda entry point: time to first chunk against a direct stream at the same concurrency.
    const streamingLambda = await startStreamingLambda(endpoint, API_KEY);
    children.push(streamingLambda.child);
    const viaLambda = gatewayClient(streamingLambda.port, API_KEY, streamingLambda.stagePath);
    const lambdaFirstChunk = () => gatewayFirstChunk(viaLambda);
    await warmUp(STREAMING_LAMBDA_WARM_UP, 16, lambdaFirstChunk);
    const lambdaStreams = [];
    for (const c of STREAMING_LAMBDA_CONCURRENCY) {
      lambdaStreams.push({
        c,
        direct: await firstChunkDelaysAt(c, STREAM_SAMPLES, directFirstChunk),
        lambda: await firstChunkDelaysAt(c, STREAM_SAMPLES, lambdaFirstChunk),
      });
    }
    const responses = await benchResponses({
      chat: viaGateway,
      responses: gatewayClient(gateway.port, API_KEY, '', '/api/v1/responses'),
      model: MODEL,
      prompt: PROMPT,
      concurrency: 64,
      durationMs: DURATION_MS,
      rounds: ROUNDS,
      streamSamples: STREAM_SAMPLES,
    });
    http1.destroy();
    http2.destroy();

    // Twice the rounds: four gateways whose differences are small are compared.
    const limits = await limitsRows(serverBundle, endpoint, DURATION_MS, 2 * ROUNDS, chatBody(false));
    const init = moduleInitMs(endpoint);
    const lambdaSize = sizeOf(lambdaBundle);
    const serverSize = sizeOf(serverBundle);

    console.log(`\nNon-streaming chat, median of ${ROUNDS} interleaved ${DURATION_MS} ms runs per level (Node ${process.versions.node}, ${cpus().length} CPUs shared by load generator, gateway and emulator)\n`);
    console.log(row(['path', 'concurrency', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs direct HTTP/1.1']));
    console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const { name, c, r } of throughput) {
      const base = throughput.find((t) => t.c === c && t.name.includes('HTTP/1.1'))!.r.rps;
      console.log(row([name, c, fmt(r.rps, 0), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), r.errors, `${fmt(r.rps / base, 2)}×`]));
    }
    console.log(`\nStreaming, time to first content chunk (${STREAM_SAMPLES} sequential requests)\n`);
    console.log(row(['path', 'p50 ms', 'p99 ms']));
    console.log(row(['---', '---:', '---:']));
    console.log(row(['direct SDK', fmt(percentile(direct, 50), 2), fmt(percentile(direct, 99), 2)]));
    console.log(row(['through the gateway', fmt(percentile(gatewayFirst, 50), 2), fmt(percentile(gatewayFirst, 99), 2)]));
    console.log(row(['added by the gateway', fmt(percentile(gatewayFirst, 50) - percentile(direct, 50), 2), '']));
    console.log(`\nStreaming Lambda entry point behind a local API Gateway stand-in (bundled, as deployed; one process, warmed by ${STREAMING_LAMBDA_WARM_UP} streams), time to first content chunk (${STREAM_SAMPLES} requests per level)\n`);
    console.log(row(['concurrency', 'direct p50 ms', 'entry point p50 ms', 'added p50 ms', 'direct p99 ms', 'entry point p99 ms']));
    console.log(row(['---:', '---:', '---:', '---:', '---:', '---:']));
    for (const cells of streamingLambdaRows(lambdaStreams)) console.log(row(cells));
    console.log('\nFootprint\n');
    console.log(row(['measure', 'value']));
    console.log(row(['---', '---:']));
    console.log(row(['Lambda bundle (assets/lambda/index.js)', `${fmt(lambdaSize.bytes / 1024 / 1024, 2)} MiB (${fmt(lambdaSize.gzipBytes / 1024, 0)} KiB gzip)`]));
    console.log(row(['server bundle (assets/container/server.js)', `${fmt(serverSize.bytes / 1024 / 1024, 2)} MiB (${fmt(serverSize.gzipBytes / 1024, 0)} KiB gzip)`]));
    console.log(row(['Lambda module init (require, median of 7)', `${fmt(init.requireMs, 0)} ms`]));
    console.log(row(['first invoke after init (app ready + /health; model list warming)', `${fmt(init.firstInvokeMs, 0)} ms`]));
    console.log(row(['gateway peak RSS under load', `${fmt(rss, 0)} MB`]));
    for (const line of responses) console.log(line);
    for (const line of limits) console.log(line);
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
