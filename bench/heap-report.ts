import { writeFileSync } from 'node:fs';

/**
 * Preloaded into the gateway by the soak (`--expose-gc --require`): on SIGUSR2 it reads the RSS, collects all garbage
 * and writes the memory still held to HEAP_REPORT_FILE, numbered, so that the soak tells memory the gateway retains
 * from garbage V8 has not collected yet and heap it keeps for later.
 */
let reports = 0;
process.on('SIGUSR2', () => {
  const rss = process.memoryUsage.rss();
  (globalThis as unknown as { gc: () => void }).gc();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  writeFileSync(process.env.HEAP_REPORT_FILE!, JSON.stringify({ report: ++reports, rss, heapUsed, external, arrayBuffers }));
});
