import { FastifyInstance } from 'fastify';

export const METRICS_NAMESPACE = 'BedrockAccessGateway';

const COUNTS = ['Requests', 'InputTokens', 'OutputTokens', 'CacheReadTokens', 'Errors4xx', 'Errors5xx', 'Throttled'] as const;

/**
 * The usage stage every route shares (register it in the authenticated scope, after the limits stage): once each
 * answer to an authenticated request has been sent, one CloudWatch embedded-metric-format line on `out`, with the
 * key's name and the model as dimensions: requests, tokens, errors by status class, throttling by the gateway's own
 * limits, latency, and the share of a monthly token budget used. Names and numbers only: nothing of the prompt, the
 * answer or the key.
 */
export function registerUsageMetrics(api: FastifyInstance, gatewayName: string, out: NodeJS.WritableStream): void {
  api.addHook('onResponse', async (request, reply) => {
    if (!request.caller) return;
    const status = reply.statusCode;
    const usage = request.usage;
    const model = request.modelId;
    const dimensions = model
      ? [['Gateway', 'KeyName', 'Model'], ['Gateway', 'KeyName'], ['Gateway', 'Model'], ['Gateway']]
      : [['Gateway', 'KeyName'], ['Gateway']];
    const budget = request.tokenBudgetUsedPercent;
    const line = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: dimensions,
            Metrics: [...COUNTS.map((Name) => ({ Name, Unit: 'Count' })), { Name: 'Latency', Unit: 'Milliseconds' }],
          },
          ...(budget === null ? [] : [{
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['Gateway', 'KeyName']],
            Metrics: [{ Name: 'MonthlyTokenBudgetUsedPercent', Unit: 'Percent' }],
          }]),
        ],
      },
      Gateway: gatewayName,
      KeyName: request.caller.name,
      ...(model ? { Model: model } : {}),
      Requests: 1,
      InputTokens: usage?.inputTokens ?? 0,
      OutputTokens: usage?.outputTokens ?? 0,
      CacheReadTokens: usage?.cacheReadTokens ?? 0,
      Errors4xx: status >= 400 && status < 500 ? 1 : 0,
      Errors5xx: status >= 500 ? 1 : 0,
      Throttled: request.admission?.refusal ? 1 : 0,
      Latency: Math.round(reply.elapsedTime * 10) / 10,
      ...(budget === null ? {} : { MonthlyTokenBudgetUsedPercent: Math.round(budget * 100) / 100 }),
    };
    out.write(`${JSON.stringify(line)}\n`);
  });
}
