import awsLambdaFastify from '@fastify/aws-lambda';
import type { ALBEvent, ALBResult, Context } from 'aws-lambda';
import { build } from './app';
import { loadConfig } from './config';
import { createDeps } from './create-deps';

// Configuration errors throw here, failing the function's init with a message naming the variable.
const config = loadConfig();
const deps = createDeps(config);
const app = build(config, deps);
// ALB sends `headers` or, when the target group enables multi-value headers, `multiValueHeaders`; the answer must
// use the same form. SSE replies arrive as one buffered `text/event-stream` body (ALB does not stream from Lambda).
const singleValue = awsLambdaFastify(app, { decorateRequest: false });
const multiValue = awsLambdaFastify(app, { decorateRequest: false, albMultiValueHeaders: true });
// Ready the app and start listing models during init; the first request finds both done or under way.
const ready = app.ready();
void deps.catalog.list().catch((err) => app.log.warn({ error: { name: err?.name } }, 'model list not loaded at init; retried on demand'));

/** Lambda entry point for ALB target-group events. */
export async function handler(event: ALBEvent, context: Context): Promise<ALBResult> {
  await ready;
  if (!event.multiValueHeaders) return singleValue(event, context) as Promise<ALBResult>;
  // The adapter fills both forms; the ALB expects only `multiValueHeaders` from a multi-value target group.
  const { headers: _single, ...result } = await (multiValue(event, context) as Promise<ALBResult>);
  return result;
}
