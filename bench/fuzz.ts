/**
 * Fuzz: hostile requests against the bundled gateway server (own process) on the Bedrock emulator (own process).
 * Run with `npx projen fuzz` (bundles first); `-- --requests 20000 --concurrency 32 --seed 7` changes the defaults
 * (10,000 requests, 16 at a time, seed 1), `--server path/to/server.js` fuzzes another bundle (e.g. an older build),
 * `--families huge-strings,headers` sends only those families of requests; `--families largest-bodies` (never in the
 * default mix) floods the gateway with valid requests at the 10 MiB body limit, which MAX_BODY_BYTES_IN_FLIGHT bounds,
 * and `largest-chunked-bodies` with the same requests sent without Content-Length.
 * Exits 1 when any answer is a 5xx, a non-OpenAI error body, a reset or a timeout, when an inside-the-network
 * image URL is not refused, when the gateway is not alive after, or when peak RSS exceeds twice the idle RSS.
 *
 * Memory is measured as deployed and against a gateway that has served traffic; the report shows the other figures too.
 * - The gateway's heap is sized as in the default deployment (`DEPLOYED_HEAP_FLAGS`); `--heap host` leaves V8 to size
 *   it from this machine's memory.
 * - Idle RSS is read after 500 ordinary requests (chat, streaming chat, an image, embeddings, models). Read cold, before
 *   any API request, it lacks what every gateway that has answered a few requests holds (compiled code, a young
 *   generation grown to working size, connections to Bedrock, lazily loaded SDK parts): 87 MB cold against 130 MB
 *   after 1,000 ordinary requests alone on the host-sized heap. Against it, the ratio charged the hostile traffic with the
 *   warm-up. The cold RSS and the ratio to it are reported beside.
 */
import { join } from 'node:path';
import { DEPLOYED_HEAP_FLAGS, startGateway } from './gateway';
import { argument, Child, ROOT, startEmulatorProcess } from './processes';
import { runFuzz } from '../test/fuzz/hostile-traffic';

const API_KEY = 'sk-fuzz';

async function main(): Promise<void> {
  const requests = Number(argument('requests') ?? 10_000);
  const concurrency = Number(argument('concurrency') ?? 16);
  const seed = Number(argument('seed') ?? 1);
  const server = argument('server') ?? join(ROOT, 'assets', 'container', 'server.js');
  const families = (argument('families') ?? '').split(',').filter(Boolean);
  const children: Child[] = [];
  try {
    const emulator = await startEmulatorProcess();
    children.push(emulator.child);
    const heapFlags = argument('heap') === 'host' ? undefined : DEPLOYED_HEAP_FLAGS;
    const gateway = await startGateway(server, emulator.endpoint, { API_KEY, ...(heapFlags ? { NODE_OPTIONS: heapFlags } : {}) });
    children.push(gateway.child);
    const started = performance.now();
    const report = await runFuzz({ port: gateway.port, apiKey: API_KEY, routePrefix: '/api/v1', pid: gateway.child.process.pid! },
      { requests, concurrency, seed, warmUpRequests: 500, ...(families.length > 0 ? { families } : {}) });
    const seconds = (performance.now() - started) / 1000;
    const ratio = report.peakRssMb / report.idleRssMb;
    console.log(`\nFuzz: ${report.requests} hostile requests, ${concurrency} at a time, seed ${seed}, ${seconds.toFixed(0)} s, `
      + `heap ${heapFlags ?? 'sized from this host'} (${server})\n`);
    console.log('| measure | value |\n| --- | ---: |');
    for (const [name, value] of [
      ['answers by status', Object.entries(report.byStatus).sort().map(([s, n]) => `${s}: ${n}`).join(', ')],
      ['5xx answers', report.serverErrors],
      ['non-OpenAI error bodies', report.nonOpenAIBodies],
      ['connection resets', report.resets],
      ['no answer within 15 s', report.timeouts],
      ['inside-network image URLs not refused', report.notRefused],
      ['alive after', report.aliveAfter ? 'yes' : 'no'],
      ['cold RSS (before any API request)', `${report.coldRssMb.toFixed(0)} MB`],
      ['idle RSS (after 500 ordinary requests)', `${report.idleRssMb.toFixed(0)} MB`],
      ['peak RSS', `${report.peakRssMb.toFixed(0)} MB (${ratio.toFixed(2)}× idle, ${(report.peakRssMb / report.coldRssMb).toFixed(2)}× cold)`],
    ] as const) console.log(`| ${name} | ${value} |`);
    if (report.failures.length > 0) console.log(`\nExamples:\n${report.failures.map((f) => `- ${f}`).join('\n')}`);
    const failed = report.serverErrors + report.nonOpenAIBodies + report.resets + report.timeouts + report.notRefused > 0
      || !report.aliveAfter || ratio > 2;
    if (failed) process.exitCode = 1;
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
