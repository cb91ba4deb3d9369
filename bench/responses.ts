import { GatewayCall } from './gateway';
import { LoadResult, medianResult, percentile, runLoad } from './load';
import { firstChunkDelaysAt } from './streaming-lambda';

export interface ResponsesBenchOptions {
  /** Clients of the two routes on the same gateway. */
  readonly chat: GatewayCall;
  readonly responses: GatewayCall;
  readonly model: string;
  /** The prompt; its first word marks the first content in a stream. */
  readonly prompt: string;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly rounds: number;
  readonly streamSamples: number;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/**
 * `/responses` against `/chat/completions` through the same gateway: non-streaming throughput at one concurrency
 * (interleaved rounds, medians) and, streamed, the delay to the first event and to the first content. Responses are
 * not stored (`store: false`), so both routes do the same work apart from their mapping. Returns the report lines.
 */
export async function benchResponses(options: ResponsesBenchOptions): Promise<string[]> {
  const { model, prompt, concurrency, durationMs, rounds, streamSamples } = options;
  const chatBody = (stream: boolean) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: prompt }] });
  const responsesBody = (stream: boolean) => JSON.stringify({ model, stream, store: false, input: prompt });

  const routes: Array<{ name: string; call: GatewayCall; body: (stream: boolean) => string }> = [
    { name: 'chat completions', call: options.chat, body: chatBody },
    { name: 'responses', call: options.responses, body: responsesBody },
  ];
  const runs = new Map<string, LoadResult[]>(routes.map((r) => [r.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const route of routes) runs.get(route.name)!.push(await runLoad(concurrency, durationMs, () => route.call(route.body(false))));
  }
  const [chat, responses] = routes.map((r) => medianResult(runs.get(r.name)!));

  const firstWord = prompt.split(' ')[0];
  const delays = async (call: GatewayCall, body: string) => {
    const first: number[] = [];
    const content = await firstChunkDelaysAt(1, streamSamples, async () => {
      const start = performance.now();
      let firstEvent = NaN;
      let firstContent = NaN;
      let seen = '';
      await call(body, (chunk) => {
        if (Number.isNaN(firstEvent)) firstEvent = performance.now() - start;
        seen += chunk.toString('utf8');
        if (Number.isNaN(firstContent) && seen.includes(firstWord)) firstContent = performance.now() - start;
      });
      first.push(firstEvent);
      return firstContent;
    });
    // The 20 warm-up measurements come first; keep the measured ones.
    return { event: first.slice(-streamSamples).sort((a, b) => a - b), content };
  };
  const chatStream = await delays(options.chat, chatBody(true));
  const responsesStream = await delays(options.responses, responsesBody(true));

  return [
    `\n/responses against /chat/completions, non-streaming at concurrency ${concurrency}, median of ${rounds} interleaved ${durationMs} ms runs\n`,
    row(['route', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs chat completions']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...[['chat completions', chat], ['responses', responses]].map(([name, r]) => {
      const result = r as LoadResult;
      return row([name as string, fmt(result.rps, 0), fmt(result.p50Ms, 2), fmt(result.p99Ms, 2), result.errors, `${fmt(result.rps / chat.rps, 2)}×`]);
    }),
    `\nStreaming through the gateway, ${streamSamples} sequential requests: first SSE event, first content\n`,
    row(['route', 'first event p50 ms', 'first content p50 ms', 'first content p99 ms']),
    row(['---', '---:', '---:', '---:']),
    row(['chat completions', fmt(percentile(chatStream.event, 50), 2), fmt(percentile(chatStream.content, 50), 2), fmt(percentile(chatStream.content, 99), 2)]),
    row(['responses', fmt(percentile(responsesStream.event, 50), 2), fmt(percentile(responsesStream.content, 50), 2), fmt(percentile(responsesStream.content, 99), 2)]),
  ];
}
