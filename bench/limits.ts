import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GatewayCall, gatewayClient, startGateway } from './gateway';
import { LoadResult, median, medianResult, percentile, runLoad } from './load';
import { Child, cpuMs } from './processes';
import { CounterStore } from '../lambda/limits/counter-store';
import { DynamoDbCounterStore } from '../lambda/limits/dynamodb-counter-store';
import { Limiter } from '../lambda/limits/limiter';
import { MemoryCounterStore } from '../lambda/limits/memory-counter-store';
import { createCounterTable, Moto, motoAvailable, startMoto } from '../test/support/moto';

const KEY = 'sk-bench-limited';
const CONCURRENCY = 64;
/** Limits that the load never reaches: what is measured is the cost of applying them. */
const LIMITS = { requestsPerMinute: 1_000_000, tokensPerMinute: 100_000_000, tokensPerMonth: 1_000_000_000_000 };

const keysDocument = (limits?: object) => JSON.stringify({ keys: [{ name: 'bench', key: KEY, ...(limits ? { limits } : {}) }] });
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/**
 * What a limited key costs at concurrency 64: the same key without limits (twice, in two gateways), with limits
 * counted in memory, with limits counted in DynamoDB (moto_server standing in for it), and with
 * `maxConcurrentRequests` (slots leased from the shared counter). After a warm-up run each, rounds interleave the gateways; medians are reported.
 * Returns the lines of a markdown table.
 */
export async function limitsRows(serverBundle: string, endpoint: string, durationMs: number, rounds: number, body: string): Promise<string[]> {
  if (!motoAvailable) return ['', 'Limits: moto_server is not installed; the DynamoDB rows were not measured.'];
  const children: Child[] = [];
  let moto: Moto | undefined;
  try {
    moto = await startMoto();
    const table = await createCounterTable(moto, 'bench-limits');
    const dynamo = { LIMITS_TABLE_NAME: table, AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint };
    const setups = [
      { name: 'no limits', env: { API_KEYS_DOCUMENT: keysDocument() } },
      // The same again in a second process: how far two identical gateways differ in one run (the noise floor).
      { name: 'no limits, a second gateway', env: { API_KEYS_DOCUMENT: keysDocument() } },
      { name: 'requests, tokens per minute and per month; counters in memory', env: { API_KEYS_DOCUMENT: keysDocument(LIMITS) } },
      { name: 'requests, tokens per minute and per month; counters in DynamoDB', env: { API_KEYS_DOCUMENT: keysDocument(LIMITS), ...dynamo } },
      {
        name: 'the same plus maxConcurrentRequests; counters in DynamoDB',
        env: { API_KEYS_DOCUMENT: keysDocument({ ...LIMITS, maxConcurrentRequests: 10_000 }), ...dynamo },
      },
    ];
    const gateways: Array<{ name: string; pid: number; call: GatewayCall; runs: LoadResult[]; cpuPerRequest: number[] }> = [];
    for (const setup of setups) {
      const gateway = await startGateway(serverBundle, endpoint, setup.env);
      children.push(gateway.child);
      gateways.push({ ...setup, pid: gateway.child.process.pid!, call: gatewayClient(gateway.port, KEY), runs: [], cpuPerRequest: [] });
    }
    // The gateway's CPU time per request is a steadier measure of the limits' cost than its rate, which moves with
    // whatever else runs on the machine (here moto_server and the other gateways' load generator, too).
    const measure = async (gateway: typeof gateways[number]) => {
      let calls = 0;
      const cpuBefore = cpuMs(gateway.pid);
      const result = await runLoad(CONCURRENCY, durationMs, async () => { await gateway.call(body); calls++; });
      return { result, cpuPerRequest: (cpuMs(gateway.pid) - cpuBefore) / calls };
    };
    for (const gateway of gateways) await measure(gateway); // warm-up: JIT, connections, the first lease and reads
    for (let round = 0; round < rounds; round++) {
      // Each round starts with another gateway, so that none is always measured first or last.
      for (let i = 0; i < gateways.length; i++) {
        const gateway = gateways[(round + i) % gateways.length];
        const { result, cpuPerRequest } = await measure(gateway);
        gateway.runs.push(result);
        gateway.cpuPerRequest.push(cpuPerRequest);
      }
    }
    // Each gateway against the no-limits one in the same round (paired), so that the machine's drift between rounds
    // (other work, moto_server, the load generator) cancels out; the medians of those per-round figures are reported.
    const base = gateways[0];
    const results = gateways.map((g) => ({
      name: g.name,
      r: medianResult(g.runs),
      rpsRatio: median(g.runs.map((run, round) => run.rps / base.runs[round].rps)),
      p50Added: median(g.runs.map((run, round) => run.p50Ms - base.runs[round].p50Ms)),
      cpu: median(g.cpuPerRequest),
      cpuRatio: median(g.cpuPerRequest.map((cpu, round) => cpu / base.cpuPerRequest[round])),
    }));
    const dynamoClient = new DynamoDBClient(moto.clientConfig);
    const stage = [
      { name: 'counters in memory', r: await admitLatency(new MemoryCounterStore(), durationMs) },
      { name: 'counters in DynamoDB', r: await admitLatency(new DynamoDbCounterStore(dynamoClient, table), durationMs) },
    ];
    dynamoClient.destroy();
    return [
      '',
      `Limits for one key, non-streaming chat at concurrency ${CONCURRENCY}: medians of ${rounds} rounds of interleaved ${durationMs} ms runs; `
        + 'the columns against no limits are medians of the per-round figures (DynamoDB is moto_server on this machine)',
      '',
      row(['limits', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'throughput vs no limits', 'p50 added ms', 'gateway CPU ms per request', 'CPU vs no limits']),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      ...results.map(({ name, r, rpsRatio, p50Added, cpu, cpuRatio }) => row([
        name, fmt(r.rps, 0), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), r.errors, `${fmt(rpsRatio, 2)}×`, fmt(p50Added, 2), fmt(cpu, 3), `${fmt(cpuRatio, 2)}×`,
      ])),
      '',
      `The limits stage alone, in this process: time to admit one request of that key, ${CONCURRENCY} at a time for ${durationMs} ms`,
      '',
      row(['counters', 'admissions', 'p50 ms', 'p99 ms', 'errors']),
      row(['---', '---:', '---:', '---:', '---:']),
      ...stage.map(({ name, r }) => row([name, r.admissions, fmt(r.p50Ms, 4), fmt(r.p99Ms, 3), r.errors])),
    ];
  } finally {
    for (const child of children.reverse()) await child.stop();
    await moto?.stop();
  }
}

/**
 * The time the limits stage adds to a request's path: how long `admit` takes, from CONCURRENCY workers for
 * `durationMs`, each settling its admission (6 tokens) and yielding to the event loop between requests as a server
 * does (so background lease top-ups and token updates run).
 */
async function admitLatency(store: CounterStore, durationMs: number): Promise<{ admissions: number; errors: number; p50Ms: number; p99Ms: number }> {
  const limiter = new Limiter(store, (err) => { throw err; });
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      try {
        const admission = await limiter.admit('stage', LIMITS);
        latencies.push(performance.now() - start);
        if (admission.refusal) errors++;
        admission.settle(6);
      } catch {
        errors++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  return { admissions: latencies.length, errors, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
