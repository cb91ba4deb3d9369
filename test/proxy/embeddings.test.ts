import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';
import { fakeEmbedding } from '../emulator/bedrock-emulator';

const floats = (v: number[] | string) => v as number[];

describe('POST /embeddings', () => {
  const h = useHarness({ env: { DEFAULT_EMBEDDING_MODEL: 'cohere.embed-multilingual-v3' } });

  test('Cohere v3: one batched InvokeModel, float vectors in input order, usage from the token header', async () => {
    const res = await h.openai.embeddings.create({ model: 'cohere.embed-english-v3', input: ['hello world', 'good morning to you'], encoding_format: 'float' });
    expect(res.object).toBe('list');
    expect(res.model).toBe('cohere.embed-english-v3');
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(floats(res.data[0].embedding)).toEqual(fakeEmbedding('hello world', 1024));
    expect(floats(res.data[1].embedding)).toEqual(fakeEmbedding('good morning to you', 1024));
    expect(res.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    const calls = h.emulator.callsTo('InvokeModel');
    expect(calls).toHaveLength(1);
    expect(calls[0].modelId).toBe('cohere.embed-english-v3');
    expect(calls[0].body).toEqual({ texts: ['hello world', 'good morning to you'], input_type: 'search_document', truncate: 'END' });
  });

  test('text-embedding-* names map to DEFAULT_EMBEDDING_MODEL; the SDK default (base64) decodes to the same floats', async () => {
    const res = await h.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'bonjour' });
    expect(h.emulator.calls[0].modelId).toBe('cohere.embed-multilingual-v3');
    expect(floats(res.data[0].embedding)).toEqual(fakeEmbedding('bonjour', 1024));
  });

  test('base64 is float32 little-endian for every model', async () => {
    const raw = await fetch(`${h.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${h.openai.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'amazon.titan-embed-text-v1', input: 'abc', encoding_format: 'base64' }),
    }).then((r) => r.json());
    const bytes = Buffer.from(raw.data[0].embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(fakeEmbedding('abc', 1536));
  });

  test('2,048 texts (OpenAI\'s maximum): 22 Cohere batches, every vector in input order, the answer exactly JSON', async () => {
    const texts = Array.from({ length: 2048 }, (_, i) => `text number ${i}`);
    const response = await fetch(`${h.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${h.openai.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cohere.embed-english-v3', input: texts, encoding_format: 'float' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    const answer = JSON.parse(text);
    expect(answer.data.map((d: { index: number }) => d.index)).toEqual(texts.map((_, i) => i));
    for (const i of [0, 95, 96, 1000, 2047]) expect(answer.data[i].embedding).toEqual(fakeEmbedding(texts[i], 1024));
    // The text written piece by piece is the one JSON.stringify gives for the same answer.
    expect(text).toBe(JSON.stringify(answer));
    expect(h.emulator.callsTo('InvokeModel')).toHaveLength(22);
    const sdk = await h.openai.embeddings.create({ model: 'cohere.embed-english-v3', input: texts });
    expect(sdk.data).toHaveLength(2048);
    expect(floats(sdk.data[2047].embedding)).toEqual(fakeEmbedding(texts[2047], 1024));
  });

  test('Titan v2: one call per text with dimensions, tokens from the body', async () => {
    const res = await h.openai.embeddings.create({ model: 'amazon.titan-embed-text-v2:0', input: ['a b', 'c d e'], dimensions: 256, encoding_format: 'float' });
    expect(floats(res.data[1].embedding)).toHaveLength(256);
    expect(floats(res.data[1].embedding)).toEqual(fakeEmbedding('c d e', 256));
    expect(res.usage.prompt_tokens).toBe(5);
    expect(h.emulator.callsTo('InvokeModel').map((c) => c.body).sort((a, b) => a.inputText.localeCompare(b.inputText)))
      .toEqual([{ inputText: 'a b', dimensions: 256, normalize: true }, { inputText: 'c d e', dimensions: 256, normalize: true }]);
  });

  test('Nova multimodal embeddings and Cohere v4, including through a cross-region profile id', async () => {
    const nova = await h.openai.embeddings.create({ model: 'amazon.nova-2-multimodal-embeddings-v1:0', input: 'x y', dimensions: 384, encoding_format: 'float' });
    expect(floats(nova.data[0].embedding)).toEqual(fakeEmbedding('x y', 384));
    expect(nova.usage.prompt_tokens).toBe(2);
    expect(h.emulator.calls[0].body.singleEmbeddingParams).toEqual({ embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: 384, text: { truncationMode: 'END', value: 'x y' } });
    const v4 = await h.openai.embeddings.create({ model: 'cohere.embed-v4:0', input: 'q', dimensions: 512, encoding_format: 'float' });
    expect(floats(v4.data[0].embedding)).toEqual(fakeEmbedding('q', 512));
    expect(h.emulator.calls[1].body.output_dimension).toBe(512);
  });

  test('token arrays, empty input and unsupported dimensions are 400s naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ model: 'cohere.embed-english-v3', input: [1, 2, 3] }, 'input', /Token arrays are not supported/],
      [{ model: 'cohere.embed-english-v3', input: [[1, 2]] }, 'input', /Token arrays are not supported/],
      [{ model: 'cohere.embed-english-v3', input: [] }, 'input', /non-empty/],
      [{ model: 'cohere.embed-english-v3', input: ['ok', ''] }, 'input[1]', /non-empty/],
      [{ model: 'amazon.titan-embed-text-v2:0', input: 'a', dimensions: 300 }, 'dimensions', /supports dimensions 1024, 512, 256; received 300/],
      [{ model: 'cohere.embed-english-v3', input: 'a', encoding_format: 'int8' }, 'encoding_format', /must be one of/],
      [{ model: 'cohere.embed-english-v3', input: 'a', input_type: 'search' }, 'input_type', /must be one of/],
      [{ input: 'a' }, 'model', /is required/],
      [{ model: 'amazon.titan-embed-text-v2:0', input: 'a', dimensions: '256' }, 'dimensions', /must be integer/], // no type coercion
      [{ model: 42, input: 'a' }, 'model', /must be string/],
      [{ model: 'cohere.embed-english-v3', input: 5 }, 'input', /must be string,array/],
    ];
    for (const [body, param, message] of cases) {
      const err = await h.openai.embeddings.create(body as never).catch((e) => e);
      expect(err, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.param, JSON.stringify(body)).toBe(param);
      expect(err.message).toMatch(message);
    }
    expect(h.emulator.calls).toHaveLength(0);
  });

  test('a chat model is a 400, an unknown model a 404', async () => {
    const chat = await h.openai.embeddings.create({ model: 'amazon.nova-lite-v1:0', input: 'a' }).catch((e) => e);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect(chat.message).toMatch(/not an embedding model/);
    const unknown = await h.openai.embeddings.create({ model: 'acme.embedder', input: 'a' }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.code).toBe('model_not_found');
  });

  test('Bedrock errors map to OpenAI statuses', async () => {
    h.emulator.onInvokeModel(() => ({ error: { type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }));
    const err = await h.openai.embeddings.create({ model: 'cohere.embed-english-v3', input: 'a' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get('retry-after')).toBe('2');
    expect(err.error).toEqual({ message: 'Too many requests, please wait before trying again.', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' });
  });
});

describe('POST /embeddings with the model list unreadable', () => {
  const h = useHarness();

  test('an unsupported model is still a 400 naming the model, not a server error', async () => {
    h.emulator.failOperation('ListFoundationModels', { type: 'ThrottlingException', message: 'Rate exceeded' });
    const err = await h.openai.embeddings.create({ model: 'acme.embedder', input: 'a' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('model');
    expect(h.emulator.callsTo('InvokeModel')).toHaveLength(0);
  });
});
