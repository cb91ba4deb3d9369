import { AccessDeniedException, ThrottlingException, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';
import { OpenAIError, sseErrorEvent, toOpenAIError } from '../../lambda/errors';

const embed = (client: OpenAI) => client.embeddings.create({ model: 'cohere.embed-english-v3', input: 'hi', encoding_format: 'float' });

describe('error mapping through the gateway', () => {
  const h = useHarness({ env: { MAX_REQUEST_BODY_BYTES: '2048', BEDROCK_TIMEOUT_SECONDS: '1' } });

  test.each([
    ['ValidationException', 400, OpenAI.BadRequestError, 'invalid_request_error', 'Malformed input request', undefined],
    ['AccessDeniedException', 403, OpenAI.PermissionDeniedError, 'permission_error', 'not allowed to use this model', undefined],
    ['ResourceNotFoundException', 404, OpenAI.NotFoundError, 'invalid_request_error', 'Model not found', undefined],
    ['ThrottlingException', 429, OpenAI.RateLimitError, 'rate_limit_error', 'Rate exceeded', '2'],
    ['ServiceQuotaExceededException', 429, OpenAI.RateLimitError, 'rate_limit_error', 'quota', '2'],
    ['ModelNotReadyException', 503, OpenAI.InternalServerError, 'server_error', 'not ready', '2'],
    ['ServiceUnavailableException', 503, OpenAI.InternalServerError, 'server_error', 'temporarily unavailable', '2'],
    ['ModelTimeoutException', 504, OpenAI.InternalServerError, 'server_error', 'took too long', undefined],
    ['InternalServerException', 500, OpenAI.InternalServerError, 'server_error', 'The server had an error', undefined],
    ['ModelErrorException', 500, OpenAI.InternalServerError, 'server_error', 'The server had an error', undefined],
  ])('Bedrock %s → %i', async (type, status, errorClass, errorType, message, retryAfter) => {
    const bedrockMessage = type === 'ServiceQuotaExceededException' ? 'Daily token quota exceeded'
      : `${type === 'ResourceNotFoundException' ? 'Model not found' : type === 'ThrottlingException' ? 'Rate exceeded' : 'Malformed input request'}`
        + ' (arn:aws:iam::123456789012:role/secret-internal-role)';
    h.emulator.onInvokeModel(() => ({ error: { type, message: bedrockMessage } }));
    const err = await embed(h.openai).catch((e) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect(err.status).toBe(status);
    expect(err.type).toBe(errorType);
    expect(err.message).toMatch(new RegExp(message, 'i'));
    expect(err.headers.get('retry-after') ?? undefined).toBe(retryAfter);
    if (status >= 403 && status !== 404 && status !== 429) expect(err.message).not.toContain('secret-internal-role');
  });

  test('a Bedrock call that outlasts BEDROCK_TIMEOUT_SECONDS is a 504', async () => {
    h.emulator.onInvokeModel(() => ({ delayMs: 1500, body: {} }));
    const err = await embed(h.openai).catch((e) => e);
    expect(err.status).toBe(504);
    expect(err.code).toBe('timeout');
  });

  test('malformed JSON is a 400 in OpenAI shape', async () => {
    const res = await fetch(`${h.baseURL}/embeddings`, {
      method: 'POST', headers: { 'authorization': `Bearer ${h.openai.apiKey}`, 'content-type': 'application/json' }, body: '{"model": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error', param: null, code: 'invalid_json' }) });
  });

  test('a body over MAX_REQUEST_BODY_BYTES is a 413 in OpenAI shape', async () => {
    const err = await h.openai.embeddings.create({ model: 'cohere.embed-english-v3', input: 'x'.repeat(4096) }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(413);
    expect(err.code).toBe('request_too_large');
    expect(h.emulator.calls).toHaveLength(0);
  });

  test('an unknown route is a 404 in OpenAI shape', async () => {
    const res = await fetch(`${h.baseURL}/files`, { headers: { authorization: `Bearer ${h.openai.apiKey}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toEqual({ message: 'Unknown request URL: GET /api/v1/files. Please check the URL for typos.', type: 'invalid_request_error', param: null, code: 'unknown_url' });
  });

  test('a 500 says nothing about internals and is logged without request content', async () => {
    h.emulator.onInvokeModel(() => ({ body: { unexpected: 'shape' } }));
    const err = await embed(h.openai).catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.error.message).toBe('The server had an error while processing your request. Please retry; if the error persists, contact the gateway administrator.');
    const logged = h.logs.find((l) => l.msg === 'request failed');
    expect(logged?.error).toMatchObject({ name: 'TypeError' });
  });
});

describe('toOpenAIError', () => {
  test('keeps an OpenAIError as it is', () => {
    const original = OpenAIError.invalidRequest('bad', 'messages[0].role', 'invalid_value');
    expect(toOpenAIError(original)).toBe(original);
    expect(original.toJSON()).toEqual({ error: { message: 'bad', type: 'invalid_request_error', param: 'messages[0].role', code: 'invalid_value' } });
  });

  test('maps SDK exceptions by name only when they come from AWS', () => {
    const $metadata = { httpStatusCode: 400 };
    expect(toOpenAIError(new ValidationException({ message: 'bad field', $metadata })).status).toBe(400);
    expect(toOpenAIError(new ThrottlingException({ message: 'slow down', $metadata })).retryAfterSeconds).toBe(2);
    expect(toOpenAIError(new AccessDeniedException({ message: 'arn:aws:iam::1:role/x', $metadata })).message).not.toContain('arn:');
    const lookalike = Object.assign(new Error('x'), { name: 'ValidationException' });
    expect(toOpenAIError(lookalike).status).toBe(500);
    const inherited = Object.assign(new Error('x'), { name: 'toString', code: 'constructor', $fault: 'client' });
    expect(toOpenAIError(inherited).status).toBe(500);
  });

  test('names the field of a schema validation error the way OpenAI does', () => {
    const err = Object.assign(new Error('body/messages/0 must have required property \'role\''), {
      validation: [{ instancePath: '/messages/0', keyword: 'required', params: { missingProperty: 'role' }, message: 'must have required property \'role\'' }],
      validationContext: 'body',
    });
    const mapped = toOpenAIError(err);
    expect(mapped.status).toBe(400);
    expect(mapped.param).toBe('messages[0].role');
    expect(mapped.message).toBe('Invalid value for \'messages[0].role\': is required.');
  });

  test('renders a mid-stream failure as one SSE data event', () => {
    expect(sseErrorEvent(new ThrottlingException({ message: 'slow down', $metadata: {} })))
      .toBe('data: {"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}\n\n');
  });
});
