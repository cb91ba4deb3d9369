import {
  BedrockClient, GetFoundationModelCommand, GetInferenceProfileCommand, ListFoundationModelsCommand, ListInferenceProfilesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, ConverseStreamOutput, InvokeModelCommand, ThrottlingException, ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { BedrockEmulator, fakeEmbedding } from './bedrock-emulator';

const userSays = (text: string) => ({ messages: [{ role: 'user' as const, content: [{ text }] }] });

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<ConverseStreamOutput[]> {
  const events: ConverseStreamOutput[] = [];
  for await (const e of stream!) events.push(e);
  return events;
}

describe('Bedrock emulator', () => {
  let emulator: BedrockEmulator;
  beforeAll(async () => { emulator = await BedrockEmulator.start({ profilePageSize: 3 }); });
  afterAll(async () => { await emulator?.stop(); });
  beforeEach(() => emulator.reset());

  describe.each([
    ['HTTP/2', () => new BedrockRuntimeClient({ ...emulator.clientConfig, maxAttempts: 1 })],
    ['HTTP/1.1', () => new BedrockRuntimeClient({ ...emulator.clientConfig, maxAttempts: 1, requestHandler: new NodeHttpHandler() })],
  ])('runtime over %s', (httpVersion, makeClient) => {
    let runtime: BedrockRuntimeClient;
    beforeAll(() => { runtime = makeClient(); });
    afterAll(() => runtime.destroy());

    test('Converse echoes the last user text and records the request', async () => {
      const out = await runtime.send(new ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', ...userSays('ping pong') }));
      expect(out.output?.message?.content?.[0].text).toBe('ping pong');
      expect(out.stopReason).toBe('end_turn');
      expect(out.usage).toEqual({ inputTokens: 2, outputTokens: 2, totalTokens: 4 });
      expect(emulator.calls).toHaveLength(1);
      expect(emulator.calls[0]).toMatchObject({ operation: 'Converse', modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', httpVersion });
      expect(emulator.calls[0].body.messages[0].content[0].text).toBe('ping pong');
    });

    test('ConverseStream frames events the SDK decodes', async () => {
      const out = await runtime.send(new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', ...userSays('one two three four five six') }));
      const events = await collect(out.stream);
      expect(events[0].messageStart?.role).toBe('assistant');
      const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
      expect(text).toBe('one two three four five six');
      expect(events.filter((e) => e.contentBlockDelta)).toHaveLength(3);
      expect(events.at(-2)?.messageStop?.stopReason).toBe('end_turn');
      expect(events.at(-1)?.metadata?.usage?.outputTokens).toBe(6);
    });

    test('Converse refuses what Bedrock refuses: forced tools while Claude thinks, outputConfig on models without it, tool blocks without toolConfig', async () => {
      const sonnet4 = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
      const tools = [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object' } } } }];
      const thinking = { thinking: { type: 'enabled', budget_tokens: 1024 } };
      const refused = async (input: Record<string, unknown>) => runtime.send(new ConverseCommand({ modelId: sonnet4, ...userSays('x'), ...input } as never)).catch((e) => e);
      expect((await refused({ toolConfig: { tools, toolChoice: { any: {} } }, additionalModelRequestFields: thinking })).message).toMatch(/Thinking may not be enabled when tool_choice forces tool use/);
      const textFormat = { type: 'json_schema', structure: { jsonSchema: { name: 'a', schema: '{"type":"object"}' } } };
      expect((await refused({ outputConfig: { textFormat } })).message).toMatch(/doesn't support the outputConfig.textFormat field/);
      const history = { messages: [{ role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'weather', input: {} } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'ok' }] } }] }] };
      expect(await refused(history)).toBeInstanceOf(ValidationException);
    });

    test('Converse answers a forced tool choice with a call whose input is made from the tool schema', async () => {
      const tools = [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }];
      const forced = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', ...userSays('x'), toolConfig: { tools, toolChoice: { tool: { name: 'weather' } } } }));
      expect(forced.output?.message?.content).toEqual([{ toolUse: { toolUseId: 'tooluse_weather', name: 'weather', input: { city: 'example' } } }]);
      expect(forced.stopReason).toBe('tool_use');
    });

    test('a modelled exception mid-stream surfaces as the SDK error class', async () => {
      emulator.onConverseStream(() => [
        { event: { messageStart: { role: 'assistant' } } },
        { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'partial' } } } },
        { exception: { type: 'ThrottlingException', message: 'Too many tokens' } },
      ]);
      const out = await runtime.send(new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', ...userSays('x') }));
      const seen: ConverseStreamOutput[] = [];
      const error = await (async () => {
        try {
          for await (const e of out.stream!) seen.push(e);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(seen.map((e) => e.contentBlockDelta?.delta?.text).filter(Boolean)).toEqual(['partial']);
      expect(error).toBeInstanceOf(ThrottlingException);
      expect((error as Error).message).toBe('Too many tokens');
    });

    test('hangUp ends the connection mid-stream; the SDK reports an error', async () => {
      emulator.onConverseStream(() => [
        { event: { messageStart: { role: 'assistant' } } },
        { hangUp: true },
      ]);
      const attempt = async () => collect((await runtime.send(new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', ...userSays('x') }))).stream);
      await expect(attempt()).rejects.toThrow();
    });

    test('errors carry Bedrock status, type and message', async () => {
      emulator.onConverse(() => ({ error: { type: 'ThrottlingException', message: 'Rate exceeded' } }));
      const error = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', ...userSays('x') })).catch((e) => e);
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(error.$metadata.httpStatusCode).toBe(429);
      expect(error.message).toBe('Rate exceeded');
    });

    test('unknown and profile-only model ids fail like Bedrock', async () => {
      const unknown = await runtime.send(new ConverseCommand({ modelId: 'acme.nope-v1', ...userSays('x') })).catch((e) => e);
      expect(unknown).toBeInstanceOf(ValidationException);
      expect(unknown.message).toBe('The provided model identifier is invalid.');
      const onDemand = await runtime.send(new ConverseCommand({ modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', ...userSays('x') })).catch((e) => e);
      expect(onDemand.message).toMatch(/on-demand throughput isn’t supported/);
      const viaProfile = await runtime.send(new ConverseCommand({ modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0', ...userSays('ok') }));
      expect(viaProfile.output?.message?.content?.[0].text).toBe('ok');
    });

    test('application profile ARNs survive path encoding', async () => {
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-claude-a1b2c3';
      await runtime.send(new ConverseCommand({ modelId: arn, ...userSays('hi') }));
      expect(emulator.calls[0].modelId).toBe(arn);
    });

    test('InvokeModel answers embedding requests in the model family format', async () => {
      const out = await runtime.send(new InvokeModelCommand({
        modelId: 'amazon.titan-embed-text-v2:0',
        contentType: 'application/json',
        body: JSON.stringify({ inputText: 'hello world', dimensions: 256 }),
      }));
      const body = JSON.parse(Buffer.from(out.body).toString('utf8'));
      expect(body.embedding).toEqual(fakeEmbedding('hello world', 256));
      expect(body.inputTextTokenCount).toBe(2);
      expect(emulator.calls[0].body).toEqual({ inputText: 'hello world', dimensions: 256 });
    });
  });

  // Over HTTP/1.1 an aborted SDK call destroys its connection, which the emulator sees. (The SDK's HTTP/2 handler
  // only stops yielding events and leaves the stream running, one reason the gateway uses HTTP/1.1.)
  test('a client that aborts a stream is recorded as closedByClient', async () => {
    const runtime = new BedrockRuntimeClient({ ...emulator.clientConfig, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
    emulator.onConverseStream(async function* () {
      yield { event: { messageStart: { role: 'assistant' } } };
      for (let i = 0; i < 50; i++) {
        yield { delayMs: 20 };
        yield { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: `${i} ` } } } };
      }
    });
    const controller = new AbortController();
    const out = await runtime.send(new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', ...userSays('x') }), { abortSignal: controller.signal });
    let deltas = 0;
    try {
      for await (const e of out.stream!) {
        if (e.contentBlockDelta) deltas++;
        controller.abort();
      }
    } catch {
      // The SDK rejects the iteration once the request is aborted.
    }
    expect(deltas).toBeLessThan(50);
    await new Promise((r) => setTimeout(r, 100));
    expect(emulator.calls[0].closedByClient).toBe(true);
    runtime.destroy();
  });

  describe('control plane', () => {
    let bedrock: BedrockClient;
    beforeAll(() => { bedrock = new BedrockClient(emulator.clientConfig); });
    afterAll(() => bedrock.destroy());

    test('ListFoundationModels filters by output modality', async () => {
      const out = await bedrock.send(new ListFoundationModelsCommand({ byOutputModality: 'EMBEDDING' }));
      const ids = out.modelSummaries!.map((m) => m.modelId);
      expect(ids).toContain('cohere.embed-english-v3');
      expect(ids).not.toContain('amazon.nova-lite-v1:0');
      expect(out.modelSummaries![0].modelLifecycle?.status).toBe('ACTIVE');
    });

    test('GetFoundationModel and GetInferenceProfile by id or ARN; unknown ids are ResourceNotFoundException', async () => {
      const model = await bedrock.send(new GetFoundationModelCommand({ modelIdentifier: 'amazon.nova-lite-v1:0' }));
      expect(model.modelDetails).toMatchObject({ modelId: 'amazon.nova-lite-v1:0', inputModalities: ['TEXT', 'IMAGE', 'VIDEO'], responseStreamingSupported: true });
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-claude-a1b2c3';
      const profile = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
      expect(profile).toMatchObject({ inferenceProfileId: 'team-claude-a1b2c3', type: 'APPLICATION', status: 'ACTIVE' });
      expect(profile.models).toEqual([{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0' }]);
      await expect(bedrock.send(new GetFoundationModelCommand({ modelIdentifier: 'acme.none' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    test('ListInferenceProfiles pages and filters by type', async () => {
      const first = await bedrock.send(new ListInferenceProfilesCommand({}));
      expect(first.inferenceProfileSummaries).toHaveLength(3);
      expect(first.nextToken).toBeDefined();
      const second = await bedrock.send(new ListInferenceProfilesCommand({ nextToken: first.nextToken }));
      expect(second.inferenceProfileSummaries!.map((p) => p.inferenceProfileId)).toEqual(['global.anthropic.claude-sonnet-4-20250514-v1:0', 'us.deepseek.r1-v1:0', 'us.amazon.nova-lite-v1:0']);
      expect(second.nextToken).toBeUndefined();
      const apps = await bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }));
      expect(apps.inferenceProfileSummaries![0].inferenceProfileArn).toBe('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-claude-a1b2c3');
    });
  });
});
