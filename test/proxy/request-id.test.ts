import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';

describe('request ids', () => {
  const h = useHarness();

  test('every response carries x-request-id, which the OpenAI SDK exposes and the access log records', async () => {
    const { request_id: requestId } = await h.openai.models.list().withResponse();
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    const err = await h.client('sk-wrong').models.list().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.requestID).toMatch(/^req_[0-9a-f]{32}$/);
    expect(err.requestID).not.toBe(requestId);
    // The access-log line is written once the response has gone out, which can be after the client has it.
    const logged = () => h.logs.filter((l) => l.msg === 'request completed').map((l) => l.reqId).sort();
    await expect.poll(logged).toEqual([requestId, err.requestID].sort());
  });

  test('the ALB trace id is used when present', async () => {
    const traceId = 'Root=1-67891233-abcdef012345678912345678';
    const res = await fetch(`${h.origin}/health`, { headers: { 'x-amzn-trace-id': traceId } });
    expect(res.headers.get('x-request-id')).toBe(traceId);
  });
});
