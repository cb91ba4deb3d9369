import { Writable } from 'node:stream';
import { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { build } from '../../lambda/app';
import { ApiKeyVerifier } from '../../lambda/auth/api-key-verifier';
import { RemoteImageFetcher } from '../../lambda/chat/image-source';
import { GatewayConfig, KEY_SOURCE_VARIABLES, loadConfig } from '../../lambda/config';
import { createDeps, DepsOptions } from '../../lambda/create-deps';
import { GatewayDeps } from '../../lambda/deps';
import { gracefulClose } from '../../lambda/graceful-close';
import { BedrockEmulator, EmulatorOptions } from '../emulator/bedrock-emulator';

/** The key every harness gateway accepts unless `env` sets another source. */
export const TEST_API_KEY = 'sk-test-harness-key';

export interface HarnessOptions {
  /** Environment the gateway's config is loaded from; `API_KEY=TEST_API_KEY` unless it names a key source. */
  readonly env?: Record<string, string>;
  /** Options for a new emulator (ignored when `emulator` is given). */
  readonly emulatorOptions?: EmulatorOptions;
  /** Share an already started emulator; the harness then leaves it running on stop. */
  readonly emulator?: BedrockEmulator;
  /** Changes to the production dependencies (e.g. the key store endpoint); Bedrock clients always target the emulator. */
  readonly deps?: DepsOptions;
  /** Replaces the gateway's https image fetcher (the production one reaches public addresses only). */
  readonly fetchImage?: RemoteImageFetcher;
  /** Replaces the gateway's key verifier, e.g. with one that knows several keys by name. */
  readonly apiKeys?: ApiKeyVerifier;
}

/** A gateway on a random loopback port, wired to a Bedrock emulator with the real AWS SDK clients. */
export interface Harness {
  readonly emulator: BedrockEmulator;
  /** The official OpenAI SDK pointed at the gateway with TEST_API_KEY (or API_KEY from `env`), no retries. */
  readonly openai: OpenAI;
  /** e.g. http://127.0.0.1:41234/api/v1 */
  readonly baseURL: string;
  /** e.g. http://127.0.0.1:41234 (for /health and raw fetch calls) */
  readonly origin: string;
  readonly app: FastifyInstance;
  readonly config: GatewayConfig;
  readonly deps: GatewayDeps;
  /** JSON log lines the gateway wrote so far. */
  readonly logs: Record<string, unknown>[];
  /** An OpenAI client with another key, e.g. to test auth. */
  client(apiKey: string): OpenAI;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = options.emulator ?? await BedrockEmulator.start(options.emulatorOptions);
  const env = options.env ?? {};
  const keySourceGiven = KEY_SOURCE_VARIABLES.some((name) => name in env);
  const config = loadConfig({ ...(keySourceGiven ? {} : { API_KEY: TEST_API_KEY }), LOG_LEVEL: 'info', ...env });
  const deps: GatewayDeps = {
    ...createDeps(config, {
      ...options.deps,
      // One attempt: tests see exactly the calls they script, and error mapping is not hidden behind retries.
      bedrock: { ...emulator.clientConfig, maxAttempts: 1, ...options.deps?.bedrock },
    }),
    ...(options.fetchImage ? { fetchImage: options.fetchImage } : {}),
    ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
  };
  const logs: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = build(config, deps, { logStream });
  const close = gracefulClose(app);
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const baseURL = `${origin}${config.routePrefix}`;
  const client = (apiKey: string) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });
  return {
    emulator,
    openai: client(config.apiKeySource.kind === 'env' ? config.apiKeySource.value : TEST_API_KEY),
    baseURL,
    origin,
    app,
    config,
    deps,
    logs,
    client,
    stop: async () => {
      // Idle sockets close at once; a request a test left open gets a second.
      await close(1000);
      deps.runtime.destroy();
      if (!options.emulator) await emulator.stop();
    },
  };
}

/**
 * Registers beforeAll/afterAll/beforeEach hooks for a test file or describe block: one gateway and emulator for
 * the block, emulator calls and scripted handlers reset before each test. Read the fields inside tests only.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  const holder = {} as { current?: Harness };
  beforeAll(async () => { holder.current = await startHarness(options); });
  afterAll(async () => { await holder.current?.stop(); });
  beforeEach(() => {
    holder.current?.emulator.reset();
    holder.current?.logs.splice(0);
  });
  return new Proxy({} as Harness, {
    get(_target, prop) {
      if (!holder.current) throw new Error('the harness starts in beforeAll; use it inside tests or hooks');
      return Reflect.get(holder.current, prop);
    },
  });
}
