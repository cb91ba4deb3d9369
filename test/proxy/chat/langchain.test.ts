import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { fakeEmbedding } from '../../emulator/bedrock-emulator';
import { TEST_API_KEY, useHarness } from '../harness';
import { weatherModel } from '../weather-model';

const NOVA = 'amazon.nova-lite-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';

describe('LangChain (@langchain/openai) over real HTTP', () => {
  const h = useHarness();
  const chatModel = (fields: object = {}) =>
    new ChatOpenAI({ model: NOVA, apiKey: TEST_API_KEY, configuration: { baseURL: h.baseURL }, maxRetries: 0, ...fields });

  test('invoke: a system and a user message; the answer carries token usage', async () => {
    const answer = await chatModel().invoke([new SystemMessage('Be brief.'), new HumanMessage('alpha beta gamma')]);
    expect(answer.content).toBe('alpha beta gamma');
    expect(answer.usage_metadata).toMatchObject({ output_tokens: 3 });
    const [call] = h.emulator.callsTo('Converse');
    expect(call.body.system).toEqual([{ text: 'Be brief.' }]);
    expect(call.body.messages).toEqual([{ role: 'user', content: [{ text: 'alpha beta gamma' }] }]);
  });

  test('stream: chunks arrive and concatenate to the answer, usage in the last', async () => {
    const chunks = [];
    for await (const chunk of await chatModel({ streamUsage: true }).stream('one two three four')) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((c) => c.content).join('')).toBe('one two three four');
    expect(chunks.find((c) => c.usage_metadata)?.usage_metadata).toMatchObject({ output_tokens: 4 });
    expect(h.emulator.callsTo('ConverseStream')).toHaveLength(1);
  });

  test('bindTools: the tool call comes back, and its result goes in the next turn', async () => {
    h.emulator.onConverse(weatherModel('tooluse_lc1'));
    const weather = tool(async ({ city }) => `Sunny in ${city}`, { name: 'weather', description: 'Weather for a city', schema: z.object({ city: z.string() }) });
    const model = chatModel().bindTools([weather]);
    const question = new HumanMessage('Weather in Paris?');
    const first = await model.invoke([question]);
    expect(first.tool_calls).toEqual([{ id: 'tooluse_lc1', name: 'weather', args: { city: 'Paris' }, type: 'tool_call' }]);
    const result = await weather.invoke(first.tool_calls![0]) as ToolMessage;
    const second = await model.invoke([question, first as AIMessage, result]);
    expect(second.content).toBe('The tool says: Sunny in Paris');
    const sent = h.emulator.callsTo('Converse').map((c) => c.body);
    expect(sent[0].toolConfig.tools[0].toolSpec).toMatchObject({ name: 'weather', description: 'Weather for a city' });
    expect(sent[1].messages.at(-1)).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_lc1', content: [{ text: 'Sunny in Paris' }] } }] });
  });

  test('withStructuredOutput (function calling): the answer is parsed into the schema', async () => {
    h.emulator.onConverse(() => ({
      output: {
        output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_lc2', name: 'city', input: { name: 'Paris', population: 2100000 } } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        metrics: { latencyMs: 1 },
      },
    }));
    const schema = z.object({ name: z.string(), population: z.number().int() });
    const city = await chatModel().withStructuredOutput(schema, { name: 'city', method: 'functionCalling' }).invoke('Largest city in France?');
    expect(city).toEqual({ name: 'Paris', population: 2100000 });
    expect(h.emulator.callsTo('Converse')[0].body.toolConfig.toolChoice).toEqual({ tool: { name: 'city' } });
  });

  test('withStructuredOutput (JSON schema, LangChain\'s default for OpenAI): response_format json_schema, parsed', async () => {
    const schema = z.object({ city: z.string(), population: z.number().int() });
    const answer = await chatModel().withStructuredOutput(schema, { name: 'city', method: 'jsonSchema' }).invoke('Largest city in France?');
    // The emulator answers with a value made from the schema.
    expect(answer).toEqual({ city: 'example', population: 1 });
    expect(h.emulator.callsTo('Converse')[0].body.toolConfig.toolChoice).toEqual({ tool: { name: 'city' } });
  });

  test.each([false, true])('useResponsesApi (streamed: %s): the Responses API route answers', async (streamed) => {
    const model = chatModel({ useResponsesApi: true });
    let text = '';
    if (streamed) for await (const chunk of await model.stream('alpha beta gamma')) text += chunk.text;
    else text = (await model.invoke('alpha beta gamma')).text;
    expect(text).toBe('alpha beta gamma');
    expect(h.emulator.callsTo(streamed ? 'ConverseStream' : 'Converse')).toHaveLength(1);
  });

  test('OpenAIEmbeddings: documents and a query (the SDK asks for base64 and decodes it)', async () => {
    const embeddings = new OpenAIEmbeddings({ model: TITAN_EMBED, apiKey: TEST_API_KEY, configuration: { baseURL: h.baseURL }, maxRetries: 0 });
    const [docs, query] = await Promise.all([embeddings.embedDocuments(['hello world', 'good morning']), embeddings.embedQuery('bonjour')]);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toHaveLength(1024);
    expect(docs[1][0]).toBeCloseTo(fakeEmbedding('good morning', 1024)[0], 5);
    expect(query[5]).toBeCloseTo(fakeEmbedding('bonjour', 1024)[5], 5);
  });
});
