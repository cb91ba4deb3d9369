/**
 * Hostile traffic for the gateway: generators of malformed, oversized and malicious HTTP requests, and a runner
 * that sends them over raw sockets to a running gateway and counts how it answered. `npx projen fuzz` (10,000+
 * requests) and the test suite's short run share this module, so both apply the same generators and the same verdict.
 */
import { readFileSync } from 'node:fs';
import { isOpenAIErrorBody, rawRequest, RawOutcome, sendRaw } from './raw-http';

/** Where the gateway under test listens and how to reach its API. */
export interface FuzzTarget {
  readonly port: number;
  readonly apiKey: string;
  /** e.g. /api/v1 */
  readonly routePrefix: string;
  /** The gateway's process id, for its resident memory (Linux /proc). */
  readonly pid: number;
}

export interface FuzzOptions {
  readonly requests: number;
  /** Requests in flight at once. @default 16 */
  readonly concurrency?: number;
  /** Seed of the generators: the same seed sends the same requests. @default 1 */
  readonly seed?: number;
  /** How long one request may wait for its answer. @default 15000 */
  readonly timeoutMs?: number;
  /** Only these families of requests (see `HostileRequests.FAMILIES`). @default all */
  readonly families?: readonly string[];
  /**
   * Ordinary requests (the `valid` family) sent before the idle RSS is read, so that it is the RSS of a gateway that
   * has served traffic: compiled code, its young generation grown to working size, its Bedrock connections. @default 0
   */
  readonly warmUpRequests?: number;
}

/** One generated request: its family (for the report) and its bytes. */
export interface HostileRequest {
  readonly family: string;
  readonly bytes: Buffer;
  /** The gateway must refuse it (a 4xx), e.g. an image URL pointing inside the network. */
  readonly mustRefuse?: boolean;
}

/** What the gateway did with the traffic. */
export interface FuzzReport {
  readonly requests: number;
  /** Answers by status ("reset" and "timeout" for none). */
  readonly byStatus: Record<string, number>;
  readonly serverErrors: number;
  /** 4xx/5xx answers whose body is not `{"error":{"message","type","param","code"}}`. */
  readonly nonOpenAIBodies: number;
  readonly resets: number;
  readonly timeouts: number;
  /** Requests that had to be refused but were served. */
  readonly notRefused: number;
  /** /health answered 200 after the traffic. */
  readonly aliveAfter: boolean;
  /** RSS after a few health checks, before any API request. */
  readonly coldRssMb: number;
  /** RSS after the warm-up requests (the cold RSS without them), before the hostile traffic. */
  readonly idleRssMb: number;
  readonly peakRssMb: number;
  /** Up to a few examples per kind of failure: family, status and the start of the body. */
  readonly failures: string[];
}

/** A small deterministic PRNG (Park–Miller): the same seed gives the same run. */
export function random(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const CHAT_MODEL = 'amazon.nova-lite-v1:0';
const EMBEDDING_MODEL = 'cohere.embed-english-v3';
const PNG_DATA_URL = `data:image/png;base64,${Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64')}`;

/** Values of every JSON type, hostile ones included, to put where another type belongs. */
function wrongValue(rng: Rng): unknown {
  return pick(rng, [
    null, true, false, 0, -1, 1e308, -1e-308, 2 ** 53 + 1, '', ' ', 'x', '\u0000', '\ud800', '\udfff\ud800', 'A'.repeat(int(rng, 1000, 100_000)),
    [], [null], [[[]]], {}, { type: 'text' }, JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: { polluted: true } } },
    Array.from({ length: int(rng, 100, 5000) }, () => 'x'), Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])),
  ]);
}

/** `depth` levels of arrays or objects around a value, built as text (the gateway must refuse it before building it). */
function nested(depth: number, inner = '1', kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? '['.repeat(depth) + inner + ']'.repeat(depth) : '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
}

const chatBody = (overrides: Record<string, unknown> = {}) => ({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'hello' }], ...overrides });
/** A valid chat request of just under the default 10 MiB body limit. */
const largestChatBody = () => JSON.stringify(chatBody({ messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024 - 1024) }] }));

/** Fields of a chat request and where a hostile value can go. */
const CHAT_PATHS: ReadonlyArray<(v: unknown) => Record<string, unknown>> = [
  (v) => chatBody({ model: v }),
  (v) => chatBody({ messages: v }),
  (v) => chatBody({ messages: [v] }),
  (v) => chatBody({ messages: [{ role: v, content: 'x' }] }),
  (v) => chatBody({ messages: [{ role: 'user', content: v }] }),
  (v) => chatBody({ messages: [{ role: 'user', content: [v] }] }),
  (v) => chatBody({ messages: [{ role: 'user', content: [{ type: 'text', text: v }] }] }),
  (v) => chatBody({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: v }] }] }),
  (v) => chatBody({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: v } }] }] }),
  (v) => chatBody({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: v } }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }] }),
  (v) => chatBody({ messages: [{ role: 'tool', tool_call_id: v, content: 'x' }] }),
  (v) => chatBody({ max_tokens: v }),
  (v) => chatBody({ temperature: v }),
  (v) => chatBody({ top_p: v }),
  (v) => chatBody({ n: v }),
  (v) => chatBody({ stop: v }),
  (v) => chatBody({ stream: v }),
  (v) => chatBody({ stream: true, stream_options: v }),
  (v) => chatBody({ tools: v }),
  (v) => chatBody({ tools: [v] }),
  (v) => chatBody({ tools: [{ type: 'function', function: { name: v } }] }),
  (v) => chatBody({ tools: [{ type: 'function', function: { name: 'f', parameters: v } }] }),
  (v) => chatBody({ tools: [{ type: 'custom', custom: v }] }),
  (v) => chatBody({ tools: [{ type: 'custom', custom: { name: 'f', format: v } }] }),
  (v) => chatBody({ tools: [{ type: 'custom', custom: { name: 'f', format: { type: 'grammar', grammar: v } } }] }),
  (v) => chatBody({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'custom', custom: v }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }] }),
  (v) => chatBody({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'f', input: v } }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }] }),
  (v) => chatBody({ tool_choice: v }),
  (v) => chatBody({ tools: [{ type: 'custom', custom: { name: 'f' } }], tool_choice: { type: 'custom', custom: v } }),
  (v) => chatBody({ response_format: v }),
  (v) => chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: v } } }),
  (v) => chatBody({ reasoning_effort: v }),
  (v) => chatBody({ prompt_cache: v }),
  (v) => chatBody({ additional_model_request_fields: v }),
  (v) => chatBody({ guardrail_config: v }),
  (v) => chatBody({ service_tier: v }),
];

const responsesBody = (overrides: Record<string, unknown> = {}) => ({ model: CHAT_MODEL, input: 'hello', store: false, ...overrides });

/** Fields of a Responses API request (input items, tools, formats, the store) and where a hostile value can go. */
const RESPONSES_PATHS: ReadonlyArray<(v: unknown) => Record<string, unknown>> = [
  (v) => responsesBody({ model: v }),
  (v) => responsesBody({ input: v }),
  (v) => responsesBody({ input: [v] }),
  (v) => responsesBody({ input: [{ type: v, role: 'user', content: 'x' }] }),
  (v) => responsesBody({ input: [{ type: 'message', role: v, content: 'x' }] }),
  (v) => responsesBody({ input: [{ role: 'user', content: v }] }),
  (v) => responsesBody({ input: [{ role: 'user', content: [v] }] }),
  (v) => responsesBody({ input: [{ role: 'user', content: [{ type: 'input_image', image_url: v }] }] }),
  (v) => responsesBody({ input: [{ type: 'function_call', call_id: v, name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: 'r' }] }),
  (v) => responsesBody({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: v }, { type: 'function_call_output', call_id: 'c', output: 'r' }] }),
  (v) => responsesBody({ input: [{ type: 'function_call_output', call_id: 'c', output: v }] }),
  (v) => responsesBody({ input: [{ type: 'custom_tool_call', call_id: 'c', name: 'f', input: v }, { type: 'custom_tool_call_output', call_id: 'c', output: 'r' }] }),
  (v) => responsesBody({ input: [{ role: 'user', content: 'x' }, { type: 'reasoning', summary: [], encrypted_content: v }] }),
  (v) => responsesBody({ input: [{ type: 'compaction', encrypted_content: v }, { role: 'user', content: 'x' }] }),
  (v) => responsesBody({ input: [{ role: 'user', content: v }, { type: 'compaction_trigger' }] }),
  (v) => responsesBody({ instructions: v }),
  (v) => responsesBody({ tools: v }),
  (v) => responsesBody({ tools: [v] }),
  (v) => responsesBody({ tools: [{ type: 'function', name: v }] }),
  (v) => responsesBody({ tools: [{ type: 'function', name: 'f', parameters: v }] }),
  (v) => responsesBody({ tools: [{ type: 'custom', name: 'f', format: v }] }),
  (v) => responsesBody({ tool_choice: v }),
  (v) => responsesBody({ text: { format: v } }),
  (v) => responsesBody({ text: { format: { type: 'json_schema', name: 'a', schema: v } } }),
  (v) => responsesBody({ reasoning: v }),
  (v) => responsesBody({ max_output_tokens: v }),
  (v) => responsesBody({ temperature: v }),
  (v) => responsesBody({ previous_response_id: v, store: v }),
  (v) => responsesBody({ stream: v }),
  (v) => responsesBody({ metadata: v }),
  (v) => responsesBody({ include: v }),
];

const EMBEDDING_PATHS: ReadonlyArray<(v: unknown) => Record<string, unknown>> = [
  (v) => ({ model: v, input: 'hello' }),
  (v) => ({ model: EMBEDDING_MODEL, input: v }),
  (v) => ({ model: EMBEDDING_MODEL, input: [v] }),
  (v) => ({ model: EMBEDDING_MODEL, input: 'hello', encoding_format: v }),
  (v) => ({ model: EMBEDDING_MODEL, input: 'hello', dimensions: v }),
  (v) => ({ model: 'amazon.titan-embed-text-v2:0', input: 'hello', dimensions: v }),
  (v) => ({ model: EMBEDDING_MODEL, input: 'hello', input_type: v }),
];

/** Image URLs an attacker would use to make the gateway reach inside its network. */
const SSRF_URLS = [
  'https://127.0.0.1/', 'https://127.0.0.1:8080/api/v1/models', 'https://localhost/', 'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://[::ffff:169.254.169.254]/', 'https://[fd00:ec2::254]/latest/meta-data/',
  'https://0x7f000001/', 'https://2130706433/', 'https://0177.0.0.1/', 'https://127.1/', 'https://0.0.0.0/', 'https://10.0.0.1/',
  'https://192.168.1.1/', 'https://172.16.0.1/', 'https://100.64.0.1/', 'https://[fe80::1]/', 'https://[64:ff9b::a9fe:a9fe]/',
  'http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1/', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO',
  'ftp://127.0.0.1/', 'ldap://127.0.0.1/', 'javascript:alert(1)', 'https://user:pass@127.0.0.1/', 'https://127.0.0.1#@example.com/',
  // A host name that resolves to loopback through /etc/hosts, and redirect-style URLs to metadata addresses.
  'https://localhost/redirect?to=https://169.254.169.254/', 'https://127.0.0.1/redirect?to=https%3A%2F%2F169.254.169.254%2F',
];

/** Base64 that is not, for images and vectors. */
const BAD_BASE64 = ['data:image/png;base64,', 'data:image/png;base64,!!!!', 'data:image/png;base64,====', 'data:image/png;base64,iVBORw0KGgo',
  'data:image/png,notbase64', 'data:;base64,AAAA', 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=', 'data:image/png;base64,\u0000\ud800',
  `data:image/png;base64,${'A'.repeat(6_000_000)}`, 'data:', 'data:image/png;base64', `data:image/png;base64,${'%'.repeat(10_000)}`];

/** Generates hostile requests with valid credentials (so they reach the parsers), from one PRNG. */
export class HostileRequests {
  /** The families of requests, by name. */
  static readonly FAMILIES = ['bad-json', 'wrong-types', 'responses', 'huge-strings', 'deep-nesting', 'bad-unicode', 'bad-base64', 'ssrf',
    'counts', 'headers', 'framing', 'paths', 'valid'];
  /**
   * Families sent only when named: `largest-bodies`, valid chat requests of just under the default 10 MiB body limit,
   * measures a flood of the largest bodies a gateway accepts; `largest-chunked-bodies` sends them without
   * Content-Length, in 1 MiB chunks.
   */
  static readonly NAMED_ONLY = ['largest-bodies', 'largest-chunked-bodies'];

  private readonly rng: Rng;
  private largestBody?: Buffer;
  private largestChunkedBody?: Buffer;

  constructor(
    private readonly target: Pick<FuzzTarget, 'apiKey' | 'routePrefix' | 'port'>,
    seed: number,
    private readonly only: readonly string[] = HostileRequests.FAMILIES,
  ) {
    this.rng = random(seed);
  }

  /** The next request, from a family chosen at random. */
  next(): HostileRequest {
    const all: Array<[string, () => HostileRequest]> = [
      ['bad-json', () => this.badJson()],
      ['wrong-types', () => this.wrongTypes()],
      ['responses', () => this.responses()],
      ['huge-strings', () => this.hugeStrings()],
      ['deep-nesting', () => this.deepNesting()],
      ['bad-unicode', () => this.badUnicode()],
      ['bad-base64', () => this.badBase64()],
      ['ssrf', () => this.ssrf()],
      ['counts', () => this.counts()],
      ['headers', () => this.headerAbuse()],
      ['framing', () => this.framing()],
      ['paths', () => this.badPath()],
      ['valid', () => this.valid()],
      ['largest-bodies', () => this.largest()],
      ['largest-chunked-bodies', () => this.largestChunked()],
    ];
    const [family, make] = pick(this.rng, all.filter(([name]) => this.only.includes(name)));
    return { ...make(), family };
  }

  private post(path: string, body: Buffer | string, extraHeaders: ReadonlyArray<readonly [string, string]> = [], contentType = 'application/json'): Buffer {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    return rawRequest(`POST ${this.target.routePrefix}${path} HTTP/1.1`, [
      ['Host', `127.0.0.1:${this.target.port}`],
      ['Authorization', `Bearer ${this.target.apiKey}`],
      ['Content-Type', contentType],
      ['Content-Length', String(bytes.length)],
      ['Connection', 'close'],
      ...extraHeaders,
    ], bytes);
  }

  private endpoint(): string {
    return this.rng() < 0.75 ? '/chat/completions' : '/embeddings';
  }

  private json(value: unknown): HostileRequest {
    const path = this.rng() < 0.8 ? '/chat/completions' : '/embeddings';
    return { family: '', bytes: this.post(path, JSON.stringify(value)) };
  }

  private badJson(): HostileRequest {
    const good = JSON.stringify(chatBody());
    const text = pick(this.rng, [
      '', ' ', '{', '}', '[]', 'null', '"string"', '42', 'true', '{"model": }', '{"model":"x",}', "{'model':'x'}", '{"model":NaN}',
      '{"model":Infinity}', '{"a":1}{"b":2}', `${good}garbage`, `\ufeff${good}`, good.slice(0, int(this.rng, 1, good.length - 1)),
      '{"__proto__":{"polluted":true},"model":"x","messages":[]}', '{"constructor":{"prototype":{"polluted":true}}}',
      `{"model":"${'\\u00'.repeat(10)}"}`, '{"model":"\\x41"}', '{"model":"\u0000"}', `{"messages":[${'1,'.repeat(100_000)}1]}`,
      `{"n":${'9'.repeat(400)}}`, '{"n":1e99999}', `{"model":"${'\\'.repeat(1001)}"}`, '\u0000\u0000\u0000',
    ]);
    return { family: '', bytes: this.post(this.endpoint(), text) };
  }

  private wrongTypes(): HostileRequest {
    if (this.rng() < 0.8) return this.json(pick(this.rng, CHAT_PATHS)(wrongValue(this.rng)));
    return { family: '', bytes: this.post('/embeddings', JSON.stringify(pick(this.rng, EMBEDDING_PATHS)(wrongValue(this.rng)))) };
  }

  private responses(): HostileRequest {
    return { family: '', bytes: this.post('/responses', JSON.stringify(pick(this.rng, RESPONSES_PATHS)(wrongValue(this.rng)))) };
  }

  private hugeStrings(): HostileRequest {
    const size = pick(this.rng, [10_000, 100_000, 1_000_000, int(this.rng, 2_000_000, 9_000_000)]);
    const huge = pick(this.rng, ['a', 'é', '\u{1F600}', '\\n', ' ']).repeat(size / 2);
    const body = pick(this.rng, [
      () => chatBody({ model: huge }),
      () => chatBody({ messages: [{ role: 'user', content: huge }] }),
      () => chatBody({ messages: [{ role: 'system', content: huge }, { role: 'user', content: 'hi' }] }),
      () => chatBody({ stop: [huge] }),
      () => chatBody({ user: huge }),
      () => chatBody({ tools: [{ type: 'function', function: { name: 'f', description: huge } }] }),
      () => chatBody({ [huge.slice(0, 100_000)]: 1 }),
      () => ({ model: huge, input: 'x' }),
      () => ({ model: EMBEDDING_MODEL, input: huge }),
      () => ({ model: EMBEDDING_MODEL, input: 'x', input_type: huge }),
    ])();
    const path = 'input' in body ? '/embeddings' : '/chat/completions';
    return { family: '', bytes: this.post(path, JSON.stringify(body)) };
  }

  private deepNesting(): HostileRequest {
    const depth = pick(this.rng, [100, 1000, 10_000, 100_000, 500_000]);
    const kind = this.rng() < 0.5 ? 'array' : 'object';
    const deep = nested(depth, '1', kind);
    const schema = '{"type":"object","properties":{"a":'.repeat(Math.min(depth, 50_000)) + '{"type":"string"}' + '}}'.repeat(Math.min(depth, 50_000));
    const text = pick(this.rng, [
      deep,
      `{"model":"${CHAT_MODEL}","messages":${deep}}`,
      `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"x"}],"additional_model_request_fields":{"x":${deep}}}`,
      `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]}`,
      `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":${schema}}}}`,
      `{"model":"${CHAT_MODEL}","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":${JSON.stringify(deep)}}}]},{"role":"tool","tool_call_id":"c","content":"r"}]}`,
      `{"model":"${EMBEDDING_MODEL}","input":${deep}}`,
    ]);
    return { family: '', bytes: this.post(text.includes('"input"') ? '/embeddings' : '/chat/completions', text) };
  }

  private badUnicode(): HostileRequest {
    const bad = pick(this.rng, ['\\ud800', '\\udfff', '\\udbff\\udbff', 'a\\ud800b', '\\u0000', '\\uffff', '\\ufffe']);
    const rawBytes = pick(this.rng, [Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
      Buffer.from([0xc0, 0xaf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82])]);
    const where = pick(this.rng, ['model', 'content', 'name', 'stop', 'embedding', 'embedding-model', 'raw-model', 'raw-content']);
    if (where === 'raw-model' || where === 'raw-content') {
      const [head, tail] = where === 'raw-model'
        ? ['{"model":"', '","messages":[{"role":"user","content":"x"}]}']
        : [`{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"`, '"}]}'];
      return { family: '', bytes: this.post('/chat/completions', Buffer.concat([Buffer.from(head), rawBytes, Buffer.from(tail)])) };
    }
    const text = {
      'model': `{"model":"${bad}","messages":[{"role":"user","content":"x"}]}`,
      'content': `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"${bad}"}]}`,
      'name': `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"${bad}"}}]}`,
      'stop': `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"x"}],"stop":["${bad}"]}`,
      'embedding': `{"model":"${EMBEDDING_MODEL}","input":["${bad}"]}`,
      'embedding-model': `{"model":"${bad}${EMBEDDING_MODEL}","input":"x"}`,
    }[where]!;
    return { family: '', bytes: this.post(where.startsWith('embedding') ? '/embeddings' : '/chat/completions', text) };
  }

  private badBase64(): HostileRequest {
    if (this.rng() < 0.25) {
      return this.json({ model: EMBEDDING_MODEL, input: pick(this.rng, ['AAAA', '!!!', '', '====', 'x'.repeat(60_000)]), encoding_format: pick(this.rng, ['base64', 'float', 'base32']) });
    }
    const url = pick(this.rng, BAD_BASE64);
    return this.json(chatBody({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url } }] }] }));
  }

  private ssrf(): HostileRequest {
    const url = pick(this.rng, SSRF_URLS);
    const body = chatBody({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    return { family: '', bytes: this.post('/chat/completions', JSON.stringify(body)), mustRefuse: true };
  }

  private counts(): HostileRequest {
    const n = pick(this.rng, [3000, 10_000, 50_000]);
    const body = pick(this.rng, [
      () => chatBody({ messages: Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'x' })) }),
      () => chatBody({ messages: [{ role: 'user', content: Array.from({ length: n }, () => ({ type: 'text', text: 'x' })) }] }),
      () => chatBody({ messages: [{ role: 'user', content: Array.from({ length: Math.min(n, 200) }, () => ({ type: 'image_url', image_url: { url: PNG_DATA_URL } })) }] }),
      () => chatBody({ tools: Array.from({ length: n / 10 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } })) }),
      () => chatBody({ stop: Array.from({ length: n }, (_, i) => `s${i}`) }),
      () => ({ model: EMBEDDING_MODEL, input: Array.from({ length: n }, () => 'x') }),
      () => ({ model: 'amazon.titan-embed-text-v2:0', input: Array.from({ length: n }, () => 'x') }),
    ])();
    return this.json(body);
  }

  private headerAbuse(): HostileRequest {
    const body = JSON.stringify(chatBody());
    const host: [string, string] = ['Host', `127.0.0.1:${this.target.port}`];
    const auth: [string, string] = ['Authorization', `Bearer ${this.target.apiKey}`];
    const line = `POST ${this.target.routePrefix}/chat/completions HTTP/1.1`;
    const cl: [string, string] = ['Content-Length', String(Buffer.byteLength(body))];
    const ct: [string, string] = ['Content-Type', 'application/json'];
    const close: [string, string] = ['Connection', 'close'];
    const headers: Array<Array<[string, string]>> = [
      [host, auth, ct, cl, close, ['X-Evil', 'a\u0001b']],
      [host, auth, ct, cl, close, ['X-Evil', 'a\u007fb']],
      [host, auth, ct, cl, close, ['X-Evil\u0000', 'x']],
      [host, auth, ct, cl, close, ['X Evil', 'x']],
      [host, auth, ct, cl, close, ['X-Big', 'a'.repeat(int(this.rng, 17_000, 200_000))]],
      [host, auth, ct, cl, close, ...Array.from({ length: 3000 }, (_, i): [string, string] => [`X-H${i}`, 'v'])],
      [host, ['Authorization', `Bearer ${'k'.repeat(20_000)}`], ct, cl, close],
      [host, ['Authorization', 'Bearer \u00ff\u00fe'], ct, cl, close],
      [host, ['Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`], ct, cl, close],
      [host, auth, auth, ct, cl, close],
      [host, host, auth, ct, cl, close],
      [host, auth, ['Content-Type', 'text/plain'], cl, close],
      [host, auth, ['Content-Type', 'application/x-www-form-urlencoded'], cl, close],
      [host, auth, ['Content-Type', 'multipart/form-data; boundary=x'], cl, close],
      [host, auth, ['Content-Type', 'application/json; charset=utf-16'], cl, close],
      [host, auth, ['Content-Type', 'application/json; charset=latin1'], cl, close],
      [host, auth, ['Content-Type', '\u0001'], cl, close],
      [host, auth, ['Content-Type', 'a'.repeat(10_000)], cl, close],
      [host, auth, cl, close],
      [host, auth, ct, cl, close, ['Content-Encoding', 'gzip']],
      [host, auth, ct, cl, close, ['Content-Encoding', 'br, gzip, deflate']],
      [host, auth, ct, cl, close, ['Accept', 'text/event-stream']],
      [host, auth, ct, cl, close, ['X-Amzn-Trace-Id', 'x'.repeat(8000)]],
      [host, auth, ct, cl, close, ['X-Amzn-Trace-Id', '\u00ff\u00fe\u00fd']],
      [host, auth, ct, cl, close, ['Expect', '100-continue']],
      [host, auth, ct, cl, close, ['Expect', 'something-else']],
      [host, auth, ct, cl, close, ['Upgrade', 'h2c'], ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA']],
      [auth, ct, cl, close],
    ];
    const chosen = pick(this.rng, headers);
    return { family: '', bytes: rawRequest(line, chosen, body) };
  }

  private framing(): HostileRequest {
    const body = JSON.stringify(chatBody());
    const len = Buffer.byteLength(body);
    const path = `${this.target.routePrefix}/chat/completions`;
    const start = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${this.target.apiKey}\r\nContent-Type: application/json\r\nConnection: close\r\n`;
    const chunked = `${len.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const text = pick(this.rng, [
      `${start}Content-Length: ${len}\r\nContent-Length: ${len + 5}\r\n\r\n${body}`,
      `${start}Content-Length: ${len}\r\nContent-Length: ${len}\r\n\r\n${body}`,
      `${start}Content-Length: abc\r\n\r\n${body}`,
      `${start}Content-Length: -1\r\n\r\n${body}`,
      `${start}Content-Length: ${len}, ${len}\r\n\r\n${body}`,
      `${start}Content-Length: +${len}\r\n\r\n${body}`,
      `${start}Content-Length: 0x10\r\n\r\n${body}`,
      `${start}Content-Length: 99999999999999999999\r\n\r\n${body}`,
      `${start}Content-Length: ${len}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`,
      `${start}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n${chunked}`,
      `${start}Transfer-Encoding: gzip, chunked\r\n\r\n${chunked}`,
      `${start}Transfer-Encoding: chunked, gzip\r\n\r\n${body}`,
      `${start}Transfer-Encoding: xchunked\r\n\r\n${body}`,
      `${start}Transfer-Encoding : chunked\r\n\r\n${chunked}`,
      `${start}Transfer-Encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`,
      // A chunk shorter than its data (one longer would only make the server wait for the rest, as it should).
      `${start}Transfer-Encoding: chunked\r\n\r\n${(len - 10).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      `${start}Transfer-Encoding: chunked\r\n\r\n${len.toString(16)};${'e'.repeat(20_000)}\r\n${body}\r\n0\r\n\r\n`,
      `${start}Transfer-Encoding: chunked\r\n\r\n-1\r\n${body}\r\n0\r\n\r\n`,
      `${start}Transfer-Encoding: chunked\r\n\r\n${'f'.repeat(40)}\r\n${body}\r\n0\r\n\r\n`,
      `${start}Transfer-Encoding: chunked\r\n\r\n${len.toString(16)}\n${body}\n0\n\n`,
      `${start}Transfer-Encoding: chunked\r\n\r\n${len.toString(16)}\r\n${body}XX0\r\n\r\n`,
      `${start}Transfer-Encoding: chunked\r\n\r\n${chunked.replace('0\r\n\r\n', `0\r\nX-Trailer: ${'t'.repeat(20_000)}\r\n\r\n`)}`,
      `${start}Content-Length: ${len}\r\n\r\n${body}GARBAGE / HTTP/1.1\r\n\r\n`,
      `${start}Content-Length: ${len}\r\n\r\n${body}`.replace(/\r\n/g, '\n'),
      `${start}Content-Length: ${len}\r\n X-Folded: yes\r\n\r\n${body}`,
      `${start.replace('HTTP/1.1', 'HTTP/1.7')}Content-Length: ${len}\r\n\r\n${body}`,
      `${start.replace('HTTP/1.1', 'HTTP/2.0')}Content-Length: ${len}\r\n\r\n${body}`,
      `${start.replace('HTTP/1.1', 'HTTP/1.0')}Content-Length: ${len}\r\n\r\n${body}`,
      `${start.replace(' HTTP/1.1', '')}Content-Length: ${len}\r\n\r\n${body}`,
      `${start.replace('POST', 'P\u0000ST')}Content-Length: ${len}\r\n\r\n${body}`,
      `${start.replace('POST', 'BREW')}Content-Length: ${len}\r\n\r\n${body}`,
      `${start.replace('POST', 'CONNECT')}Content-Length: ${len}\r\n\r\n${body}`,
      `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n${'\u0000'.repeat(24)}`,
      `\r\n\r\n\r\n${start}Content-Length: ${len}\r\n\r\n${body}`,
      `${'\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003'}${'A'.repeat(200)}`,
    ]);
    return { family: '', bytes: Buffer.from(text, 'latin1') };
  }

  private badPath(): HostileRequest {
    const prefix = this.target.routePrefix;
    const path = pick(this.rng, [
      `${prefix}/chat completions`, `${prefix}\\chat\\completions`, `${prefix}/chat/%zz`, `${prefix}/models/%`, `${prefix}/models/%E0%A4%A`,
      `${prefix}/models/%00`, `${prefix}/models/%ff%fe`, `${prefix}/models/${'a'.repeat(5000)}`, `${prefix}/models/${'%41'.repeat(3000)}`,
      `${prefix}/../../etc/passwd`, `${prefix}/%2e%2e/%2e%2e/etc/passwd`, `//${prefix}//chat//completions`, `${prefix}/chat/completions?${'a=1&'.repeat(3000)}`,
      `${prefix}/chat/completions#frag`, `${prefix}/chat/completions;x=1`, `http://127.0.0.1${prefix}/models`, `https://evil.example/${prefix}/models`,
      '*', '/\u00e9', `${prefix}/models/\u0080\u00ff`, '/health/../health', `/${'x/'.repeat(4000)}`, `${prefix}/chat/completions/extra`,
      `${prefix}/models?id=%zz`, '/health?%zz', `${prefix}/mo%64els`, `${prefix}/models/%2F%2F`, `${prefix}/models/team%2Fclaude`,
    ]);
    const method = pick(this.rng, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'SEARCH', 'PROPFIND']);
    const body = method === 'GET' || method === 'OPTIONS' || method === 'TRACE' ? '' : JSON.stringify(chatBody());
    const headers: Array<[string, string]> = [['Host', '127.0.0.1'], ['Authorization', `Bearer ${this.target.apiKey}`], ['Connection', 'close']];
    if (body) headers.push(['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(body))]);
    return { family: '', bytes: rawRequest(`${method} ${path} HTTP/1.1`, headers, body) };
  }

  // Made once: the client's own memory and CPU stay out of the measure.
  private largest(): HostileRequest {
    this.largestBody ??= this.post('/chat/completions', largestChatBody());
    return { family: '', bytes: this.largestBody };
  }

  private largestChunked(): HostileRequest {
    if (!this.largestChunkedBody) {
      const body = Buffer.from(largestChatBody());
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += 1024 * 1024) {
        const chunk = body.subarray(at, at + 1024 * 1024);
        chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
      }
      this.largestChunkedBody = rawRequest(`POST ${this.target.routePrefix}/chat/completions HTTP/1.1`, [
        ['Host', `127.0.0.1:${this.target.port}`],
        ['Authorization', `Bearer ${this.target.apiKey}`],
        ['Content-Type', 'application/json'],
        ['Transfer-Encoding', 'chunked'],
        ['Connection', 'close'],
      ], Buffer.concat([...chunks, Buffer.from('0\r\n\r\n')]));
    }
    return { family: '', bytes: this.largestChunkedBody };
  }

  private valid(): HostileRequest {
    return pick(this.rng, [
      () => this.json(chatBody()),
      () => this.json(chatBody({ stream: true, stream_options: { include_usage: true } })),
      () => this.json(chatBody({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: PNG_DATA_URL } }] }] })),
      () => ({ family: '', bytes: this.post('/embeddings', JSON.stringify({ model: EMBEDDING_MODEL, input: ['a', 'b'], encoding_format: 'base64' })) }),
      () => ({
        family: '',
        bytes: rawRequest(`GET ${this.target.routePrefix}/models HTTP/1.1`, [['Host', '127.0.0.1'], ['Authorization', `Bearer ${this.target.apiKey}`], ['Connection', 'close']]),
      }),
    ])();
  }
}

/** Resident memory of a process in MB: now (VmRSS) or its peak so far (VmHWM). Linux only. */
export function rssMb(pid: number, which: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${which}:\\s+(\\d+)\\s+kB`).exec(status)?.[1]) / 1024;
}

/** Why an answer is a failure, or undefined when it is acceptable. */
export function verdict(request: HostileRequest, outcome: RawOutcome): string | undefined {
  if (outcome.reset) return 'reset';
  if (outcome.timedOut) return 'timeout';
  const status = outcome.status!;
  if (status >= 500) return '5xx';
  if (status >= 400 && !isOpenAIErrorBody(outcome.body)) return 'non-OpenAI body';
  if (request.mustRefuse && status < 400) return 'not refused';
  return undefined;
}

/** Calls `send` `count` times, at most `concurrency` at once. */
async function inParallel(count: number, concurrency: number, send: () => Promise<void>): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Sends `options.requests` hostile requests to a running gateway from `concurrency` workers, then checks that it
 * still answers /health. Cold RSS is read after a few health checks, idle RSS after the warm-up requests, peak RSS
 * (which includes the warm-up) after the traffic.
 */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const generator = new HostileRequests(target, options.seed ?? 1, options.families);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const concurrency = options.concurrency ?? 16;
  const health = rawRequest('GET /health HTTP/1.1', [['Host', '127.0.0.1'], ['Connection', 'close']]);
  for (let i = 0; i < 5; i++) await sendRaw(target.port, health, timeoutMs);
  const coldRssMb = rssMb(target.pid, 'VmRSS');
  const ordinary = new HostileRequests(target, (options.seed ?? 1) + 1, ['valid']);
  await inParallel(options.warmUpRequests ?? 0, concurrency, async () => {
    await sendRaw(target.port, ordinary.next().bytes, timeoutMs);
  });
  const idleRssMb = rssMb(target.pid, 'VmRSS');

  const byStatus: Record<string, number> = {};
  const failureCounts: Record<string, number> = {};
  const failures: string[] = [];
  await inParallel(options.requests, concurrency, async () => {
    const request = generator.next();
    const outcome = await sendRaw(target.port, request.bytes, timeoutMs);
    const key = outcome.reset ? 'reset' : outcome.timedOut ? 'timeout' : String(outcome.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    const failure = verdict(request, outcome);
    if (failure) {
      failureCounts[failure] = (failureCounts[failure] ?? 0) + 1;
      if (failureCounts[failure] <= 5) {
        failures.push(`${failure}: ${request.family} ${request.bytes.subarray(0, 120).toString('latin1').replace(/\r\n/g, ' ⏎ ')} → ${key} ${outcome.body.slice(0, 160)}`);
      }
    }
  });
  const after = await sendRaw(target.port, health, timeoutMs);
  return {
    requests: options.requests,
    byStatus,
    serverErrors: failureCounts['5xx'] ?? 0,
    nonOpenAIBodies: failureCounts['non-OpenAI body'] ?? 0,
    resets: failureCounts.reset ?? 0,
    timeouts: failureCounts.timeout ?? 0,
    notRefused: failureCounts['not refused'] ?? 0,
    aliveAfter: after.status === 200,
    coldRssMb,
    idleRssMb,
    peakRssMb: rssMb(target.pid, 'VmHWM'),
    failures,
  };
}
