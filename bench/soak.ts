/**
 * Soak: the bundled gateway server (own process) on the Bedrock emulator (own process), under sustained load.
 * Run with `npx projen soak` (bundles first).
 * - `-- --minutes 10 --concurrency 64` (the defaults): non-streaming and streaming chat, half and half, from
 *   `concurrency` workers; reports unexpected errors, RSS and open file descriptors at start and end, peak RSS.
 * - `-- --streams 1000`: that many streams opened at once on one process, each a few seconds long; reports errors,
 *   the delay to each stream's first content chunk (p50/p99) and peak RSS.
 * `--server path/to/server.js` soaks another bundle (e.g. an older build). Exits 1 on any error.
 */
import { join } from 'node:path';
import { gatewayClient, startGateway } from './gateway';
import { percentile, runLoad } from './load';
import { argument, Child, openFds, peakRssMb, ROOT, startEmulatorProcess } from './processes';
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

async function mixedLoad(port: number, pid: number, minutes: number, concurrency: number): Promise<boolean> {
  const call = chatCall(port, concurrency);
  let n = 0;
  await runLoad(concurrency, 2000, () => call(n++ % 2 === 0));
  await settle();
  const start = { rss: rssMb(pid, 'VmRSS'), fds: openFds(pid) };
  const result = await runLoad(concurrency, minutes * 60_000, () => call(n++ % 2 === 0));
  await settle();
  const end = { rss: rssMb(pid, 'VmRSS'), fds: openFds(pid) };
  console.log(`\nSoak: ${minutes} min, concurrency ${concurrency}, streaming and non-streaming chat alternating\n`);
  console.log('| measure | value |\n| --- | ---: |');
  for (const [name, value] of [
    ['requests', result.requests],
    ['unexpected errors', result.errors],
    ['throughput', `${result.rps.toFixed(0)} req/s`],
    ['latency p50 / p99', `${result.p50Ms.toFixed(1)} / ${result.p99Ms.toFixed(1)} ms`],
    ['RSS start → end (after 2 s idle)', `${start.rss.toFixed(0)} → ${end.rss.toFixed(0)} MB`],
    ['open file descriptors start → end', `${start.fds} → ${end.fds}`],
    ['peak RSS', `${peakRssMb(pid).toFixed(0)} MB`],
  ] as const) console.log(`| ${name} | ${value} |`);
  return result.errors === 0;
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
    const gateway = await startGateway(argument('server') ?? join(ROOT, 'assets', 'container', 'server.js'), emulator.endpoint, { API_KEY });
    children.push(gateway.child);
    const pid = gateway.child.process.pid!;
    const ok = streams
      ? await concurrentStreams(gateway.port, pid, Number(streams))
      : await mixedLoad(gateway.port, pid, Number(argument('minutes') ?? 10), Number(argument('concurrency') ?? 64));
    if (!ok) process.exitCode = 1;
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
