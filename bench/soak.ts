/**
 * Soak: the bundled gateway server (own process) on the Bedrock emulator (own process), under sustained load.
 * Run with `npx projen soak` (bundles first).
 * - `-- --minutes 10 --concurrency 64` (the defaults): non-streaming and streaming chat, half and half, from
 *   `concurrency` workers; reports unexpected errors, and at start, every tenth of the run and end: RSS, the heap and
 *   external memory left after a full garbage collection, open file descriptors. Exits 1 when the memory left after
 *   collection or the descriptors grow (a leak). RSS is reported, not judged: it follows the size V8 gives its heap,
 *   which grows with the load to a plateau (see the report) whether or not anything leaks.
 * - `-- --streams 1000`: that many streams opened at once on one process, each a few seconds long; reports errors,
 *   the delay to each stream's first content chunk (p50/p99) and peak RSS.
 * `--server path/to/server.js` soaks another bundle (e.g. an older build). Exits 1 on any error. The gateway's heap is
 * sized as deployed (`DEPLOYED_HEAP_FLAGS`).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOYED_HEAP_FLAGS, gatewayClient, startGateway } from './gateway';
import { LoadResult, percentile, runLoad } from './load';
import { argument, bundle, Child, openFds, peakRssMb, ROOT, startEmulatorProcess } from './processes';
import { rssMb } from '../test/fuzz/hostile-traffic';

const API_KEY = 'sk-soak';
const MODEL = 'amazon.nova-lite-v1:0';
const PROMPT = 'alpha beta gamma delta epsilon zeta eta theta';
const chatBody = (stream: boolean) => JSON.stringify({ model: MODEL, stream, messages: [{ role: 'user', content: PROMPT }] });

/** Calls the gateway; a stream counts as failed unless it ends with `data: [DONE]` (an error event ends it otherwise). */
function chatCall(port: number, sockets: number) {
  const client = gatewayClient(port, API_KEY, '', undefined, sockets);
  return async (stream: boolean, onFirstContent?: () => void): Promise<void> => {
    let seen = '';
    let first = false;
    await client(chatBody(stream), (chunk) => {
      seen += chunk.toString('utf8');
      if (!first && seen.includes('"content":"alpha')) {
        first = true;
        onFirstContent?.();
      }
    });
    if (stream && !seen.trimEnd().endsWith('data: [DONE]')) throw new Error('stream ended without [DONE]');
  };
}

const settle = () => new Promise((r) => setTimeout(r, 2000));

/** The gateway's memory at one moment: RSS, then what a full collection leaves (MB), and its open descriptors. */
interface MemorySample {
  readonly minute: number;
  readonly rss: number;
  readonly heapAfterGc: number;
  readonly externalAfterGc: number;
  readonly fds: number;
}

/** Asks the gateway's heap-report preload for a sample (SIGUSR2) and waits for it. */
async function sample(pid: number, file: string, minute: number, count: number): Promise<MemorySample> {
  const fds = openFds(pid);
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 500; i++) {
    await new Promise((r) => setTimeout(r, 10));
    const report = (() => {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        return undefined; // not written yet, or being written
      }
    })();
    if (report?.report === count) {
      const mb = (bytes: number) => bytes / 1024 / 1024;
      return { minute, rss: mb(report.rss), heapAfterGc: mb(report.heapUsed), externalAfterGc: mb(report.external), fds };
    }
  }
  throw new Error('the gateway did not report its heap within 5 s');
}

const WARM_UP_MS = 30_000;

/** Memory left after collection may vary by a little (compiled code, caches filling up); more than this is a leak. */
const grew = (start: number, end: number) => end > start * 1.05 + 1;

async function mixedLoad(port: number, pid: number, reportFile: string, minutes: number, concurrency: number): Promise<boolean> {
  const call = chatCall(port, concurrency);
  let n = 0;
  // Warmed up before the first sample: in its first minute the gateway compiles code and fills caches that a full
  // collection keeps (heap after one: 14.4 MB after 2 s of load, 15.5 MB after 30 s, 16.2 MB after 10 minutes).
  // Sampled after 2 s, that warm-up read as growth.
  await runLoad(concurrency, WARM_UP_MS, () => call(n++ % 2 === 0));
  await settle();
  const samples = [await sample(pid, reportFile, 0, 1)];
  // The load runs on while samples are taken at every tenth of the run (each a full collection of a few ms).
  let result: LoadResult | undefined;
  const load = runLoad(concurrency, minutes * 60_000, () => call(n++ % 2 === 0)).then((r) => { result = r; });
  for (let i = 1; i < 10; i++) {
    await new Promise((r) => setTimeout(r, minutes * 6000));
    samples.push(await sample(pid, reportFile, (i * minutes) / 10, samples.length + 1));
  }
  await load;
  await settle();
  samples.push(await sample(pid, reportFile, minutes, samples.length + 1));
  const [start, end] = [samples[0], samples[samples.length - 1]];
  const leaks = grew(start.heapAfterGc, end.heapAfterGc) || grew(start.externalAfterGc, end.externalAfterGc) || end.fds > start.fds + 8;
  console.log(`\nSoak: ${minutes} min, concurrency ${concurrency}, streaming and non-streaming chat alternating\n`);
  console.log('| measure | value |\n| --- | ---: |');
  for (const [name, value] of [
    ['requests', result!.requests],
    ['unexpected errors', result!.errors],
    ['throughput', `${result!.rps.toFixed(0)} req/s`],
    ['latency p50 / p99', `${result!.p50Ms.toFixed(1)} / ${result!.p99Ms.toFixed(1)} ms`],
    ['RSS start → end (after 2 s idle)', `${start.rss.toFixed(0)} → ${end.rss.toFixed(0)} MB`],
    ['heap after a full GC start → end', `${start.heapAfterGc.toFixed(1)} → ${end.heapAfterGc.toFixed(1)} MB`],
    ['external memory after a full GC start → end', `${start.externalAfterGc.toFixed(1)} → ${end.externalAfterGc.toFixed(1)} MB`],
    ['open file descriptors start → end', `${start.fds} → ${end.fds}`],
    ['peak RSS', `${peakRssMb(pid).toFixed(0)} MB`],
  ] as const) console.log(`| ${name} | ${value} |`);
  console.log('\n| minute | RSS | heap after GC | external after GC | open fds |\n| ---: | ---: | ---: | ---: | ---: |');
  for (const s of samples) {
    console.log(`| ${s.minute.toFixed(1)} | ${s.rss.toFixed(0)} MB | ${s.heapAfterGc.toFixed(1)} MB | ${s.externalAfterGc.toFixed(1)} MB | ${s.fds} |`);
  }
  if (leaks) console.log('\nMemory left after collection or open descriptors grew: a leak.');
  return result!.errors === 0 && !leaks;
}

async function concurrentStreams(port: number, pid: number, streams: number): Promise<boolean> {
  const call = chatCall(port, streams);
  await Promise.all(Array.from({ length: 16 }, () => call(true)));
  const idle = rssMb(pid, 'VmRSS');
  const firstChunk: number[] = [];
  const errorsBy = new Map<string, number>();
  const began = performance.now();
  await Promise.all(Array.from({ length: streams }, async () => {
    const start = performance.now();
    let first = NaN;
    try {
      await call(true, () => { first = performance.now() - start; });
      firstChunk.push(first);
    } catch (err) {
      const reason = (err as Error).message;
      errorsBy.set(reason, (errorsBy.get(reason) ?? 0) + 1);
    }
  }));
  const errors = [...errorsBy.values()].reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - began) / 1000;
  firstChunk.sort((a, b) => a - b);
  console.log(`\n${streams} concurrent streams on one gateway process (each about 2 s long)\n`);
  console.log('| measure | value |\n| --- | ---: |');
  for (const [name, value] of [
    ['streams completed', firstChunk.length],
    ['errors', errors === 0 ? 0 : `${errors} (${[...errorsBy].map(([reason, n]) => `${reason}: ${n}`).join('; ')})`],
    ['first content chunk p50 / p99', `${percentile(firstChunk, 50).toFixed(0)} / ${percentile(firstChunk, 99).toFixed(0)} ms`],
    ['all streams done after', `${seconds.toFixed(1)} s`],
    ['RSS before', `${idle.toFixed(0)} MB`],
    ['peak RSS', `${peakRssMb(pid).toFixed(0)} MB`],
  ] as const) console.log(`| ${name} | ${value} |`);
  return errors === 0;
}

async function main(): Promise<void> {
  const streams = argument('streams');
  const children: Child[] = [];
  try {
    // For the streams mode, each text delta comes after 500 ms, so that the streams are open at the same time.
    const emulator = await startEmulatorProcess(streams ? { EMULATOR_STREAM_DELAY_MS: '500' } : {});
    children.push(emulator.child);
    const reportFile = join(mkdtempSync(join(tmpdir(), 'soak-')), 'heap.json');
    const gateway = await startGateway(argument('server') ?? join(ROOT, 'assets', 'container', 'server.js'), emulator.endpoint, {
      API_KEY,
      NODE_OPTIONS: `${DEPLOYED_HEAP_FLAGS} --expose-gc --require ${bundle(join(__dirname, 'heap-report.ts'))}`,
      HEAP_REPORT_FILE: reportFile,
    });
    children.push(gateway.child);
    const pid = gateway.child.process.pid!;
    const ok = streams
      ? await concurrentStreams(gateway.port, pid, Number(streams))
      : await mixedLoad(gateway.port, pid, reportFile, Number(argument('minutes') ?? 10), Number(argument('concurrency') ?? 64));
    if (!ok) process.exitCode = 1;
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
