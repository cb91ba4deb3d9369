/**
 * Fuzz: hostile requests against the bundled gateway server (own process) on the Bedrock emulator (own process).
 * Run with `npx projen fuzz` (bundles first); `-- --requests 20000 --concurrency 32 --seed 7` changes the defaults
 * (10,000 requests, 16 at a time, seed 1), `--server path/to/server.js` fuzzes another bundle (e.g. an older build),
 * `--families huge-strings,headers` sends only those families of requests.
 * Exits 1 when any answer is a 5xx, a non-OpenAI error body, a reset or a timeout, when an inside-the-network
 * image URL is not refused, when the gateway is not alive after, or when peak RSS exceeds twice the idle RSS.
 */
import { join } from 'node:path';
import { startGateway } from './gateway';
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
    const gateway = await startGateway(server, emulator.endpoint, { API_KEY });
    children.push(gateway.child);
    const started = performance.now();
    const report = await runFuzz({ port: gateway.port, apiKey: API_KEY, routePrefix: '/api/v1', pid: gateway.child.process.pid! }, { requests, concurrency, seed, ...(families.length > 0 ? { families } : {}) });
    const seconds = (performance.now() - started) / 1000;
    const ratio = report.peakRssMb / report.idleRssMb;
    console.log(`\nFuzz: ${report.requests} hostile requests, ${concurrency} at a time, seed ${seed}, ${seconds.toFixed(0)} s (${server})\n`);
    console.log('| measure | value |\n| --- | ---: |');
    for (const [name, value] of [
      ['answers by status', Object.entries(report.byStatus).sort().map(([s, n]) => `${s}: ${n}`).join(', ')],
      ['5xx answers', report.serverErrors],
      ['non-OpenAI error bodies', report.nonOpenAIBodies],
      ['connection resets', report.resets],
      ['no answer within 15 s', report.timeouts],
      ['inside-network image URLs not refused', report.notRefused],
      ['alive after', report.aliveAfter ? 'yes' : 'no'],
      ['idle RSS', `${report.idleRssMb.toFixed(0)} MB`],
      ['peak RSS', `${report.peakRssMb.toFixed(0)} MB (${ratio.toFixed(2)}× idle)`],
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
