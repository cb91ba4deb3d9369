import { describe, expect, test } from 'vitest';
import { ChatMessage } from '../../../lambda/chat/chat-request';
import { ImageLoader, toConverseConversation } from '../../../lambda/chat/messages';
import { OpenAIError } from '../../../lambda/errors';

const fakePng: ImageLoader = async (url) => ({ format: 'png', source: { bytes: new TextEncoder().encode(url) } });

describe('toConverseConversation', () => {
  test.each<{ name: string; messages: ChatMessage[]; system: unknown[]; turns: unknown[] }>([
    {
      name: 'system and developer messages become Converse system blocks',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
      ],
      system: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
      turns: [{ role: 'user', content: [{ text: 'Hi' }] }],
    },
    {
      name: 'consecutive same-role turns are merged and name fields ignored',
      messages: [
        { role: 'user', content: 'one', name: 'alice' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: 'four' },
      ],
      system: [],
      turns: [
        { role: 'user', content: [{ text: 'one' }, { text: 'two' }] },
        { role: 'assistant', content: [{ text: 'three' }, { text: 'four' }] },
      ],
    },
    {
      name: 'assistant tool_calls become toolUse and tool results user toolResult blocks',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '21C' }] },
        { role: 'user', content: 'Thanks' },
      ],
      system: [],
      turns: [
        { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { toolUse: { toolUseId: 'call_1', name: 'weather', input: { city: 'Paris' } } },
            { toolUse: { toolUseId: 'call_2', name: 'weather', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'call_1', content: [{ text: '18C' }] } },
            { toolResult: { toolUseId: 'call_2', content: [{ text: '21C' }] } },
            { text: 'Thanks' },
          ],
        },
      ],
    },
    {
      name: 'image parts go through the image loader; blank text is dropped',
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: ' ' },
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      }],
      system: [],
      turns: [{
        role: 'user',
        content: [
          { text: 'What is this?' },
          { image: { format: 'png', source: { bytes: new TextEncoder().encode('https://example.com/a.png') } } },
        ],
      }],
    },
  ])('$name', async ({ messages, system, turns }) => {
    const result = await toConverseConversation(messages, fakePng);
    expect(result.system).toEqual(system);
    expect(result.messages).toEqual(turns);
  });

  test('images load in parallel and keep their order', async () => {
    const started: string[] = [];
    const waiting = new Map<string, () => void>();
    const loader: ImageLoader = (url) => new Promise((resolve) => {
      started.push(url);
      waiting.set(url, () => resolve({ format: 'png', source: { bytes: new TextEncoder().encode(url) } }));
    });
    const image = (url: string) => ({ type: 'image_url' as const, image_url: { url } });
    const pending = toConverseConversation([{ role: 'user', content: [image('https://a.test/1'), image('https://a.test/2')] }], loader);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['https://a.test/1', 'https://a.test/2']); // both fetches are under way before either ends
    waiting.get('https://a.test/2')!();
    waiting.get('https://a.test/1')!();
    const { messages } = await pending;
    expect(messages[0].content!.map((b) => new TextDecoder().decode(b.image!.source!.bytes))).toEqual(['https://a.test/1', 'https://a.test/2']);
  });

  test.each<{ name: string; messages: ChatMessage[]; param: string; message: RegExp }>([
    {
      name: 'an unsupported part type',
      messages: [{ role: 'user', content: [{ type: 'input_audio' }] }],
      param: 'messages[0].content[0].type',
      message: /Unsupported content part type "input_audio"/,
    },
    {
      name: 'an image in a system message',
      messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }, { role: 'user', content: 'x' }],
      param: 'messages[0].content[0].type',
      message: /accept only text parts/,
    },
    {
      name: 'tool call arguments that are not JSON',
      messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }],
      param: 'messages[0].tool_calls[0].function.arguments',
      message: /must be a JSON object/,
    },
    {
      name: 'tool call arguments that are a JSON array',
      messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }],
      param: 'messages[0].tool_calls[0].function.arguments',
      message: /must be a JSON object/,
    },
    {
      name: 'a tool message without tool_call_id',
      messages: [{ role: 'tool', content: 'x' }],
      param: 'messages[0].tool_call_id',
      message: /tool_call_id/,
    },
  ])('400 naming the field for $name', async ({ messages, param, message }) => {
    const error = await toConverseConversation(messages, fakePng).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIError);
    expect(error).toMatchObject({ status: 400, param, message: expect.stringMatching(message) });
  });
});
