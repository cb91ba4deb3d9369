import { createOpenAI } from '@ai-sdk/openai';
import { embedMany, generateText, Output, stepCountIs, tool } from 'ai';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { fakeEmbedding } from '../../emulator/bedrock-emulator';
import { TEST_API_KEY, useHarness } from '../harness';
import { weatherModel } from '../weather-model';

const NOVA = 'amazon.nova-lite-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';

describe('the AI SDK on chat completions (openai.chat) and embeddings, over real HTTP', () => {
  const h = useHarness();
  const provider = () => createOpenAI({ baseURL: h.baseURL, apiKey: TEST_API_KEY });

  test('a tool loop: the SDK runs the tool and sends its result back', async () => {
    h.emulator.onConverse(weatherModel('tooluse_ai1'));
    const result = await generateText({
      model: provider().chat(NOVA),
      prompt: 'Weather in Paris?',
      tools: { weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `Sunny in ${city}` }) },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(result.text).toBe('The tool says: Sunny in Paris');
    expect(result.steps).toHaveLength(2);
    const second = h.emulator.callsTo('Converse')[1].body;
    expect(second.messages.at(-1)).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_ai1', content: [{ text: 'Sunny in Paris' }] } }] });
  });

  test('structured output (Output.object): response_format json_schema, parsed', async () => {
    const { output } = await generateText({
      model: provider().chat(NOVA),
      prompt: 'Largest city in France?',
      output: Output.object({ schema: z.object({ city: z.string(), population: z.number().int() }) }),
      maxRetries: 0,
    });
    // The emulator answers with a value made from the schema.
    expect(output).toEqual({ city: 'example', population: 1 });
  });

  test('embedMany', async () => {
    const { embeddings } = await embedMany({ model: provider().embedding(TITAN_EMBED), values: ['hello world', 'good morning'], maxRetries: 0 });
    expect(embeddings).toHaveLength(2);
    expect(embeddings[1].slice(0, 3).map((v) => v.toFixed(5))).toEqual(fakeEmbedding('good morning', 1024).slice(0, 3).map((v) => v.toFixed(5)));
  });
});
