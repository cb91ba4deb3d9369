import awsLambdaFastify from '@fastify/aws-lambda';
import type { ALBEvent, ALBResult, Context } from 'aws-lambda';
import { initLambdaApp } from './lambda-app';

const { app, ready, invoke } = initLambdaApp({ behindLoadBalancer: true });
// ALB sends `headers` or, when the target group enables multi-value headers, `multiValueHeaders`; the answer must
// use the same form. SSE replies arrive as one buffered `text/event-stream` body (ALB does not stream from Lambda).
const singleValue = awsLambdaFastify(app, { decorateRequest: false });
const multiValue = awsLambdaFastify(app, { decorateRequest: false, albMultiValueHeaders: true });

/** Lambda entry point for ALB target-group events. */
export async function handler(event: ALBEvent, context: Context): Promise<ALBResult> {
  await ready;
  if (!event.multiValueHeaders) return invoke(context, () => singleValue(event, context) as Promise<ALBResult>);
  // The adapter fills both forms; the ALB expects only `multiValueHeaders` from a multi-value target group.
  const { headers: _single, ...result } = await invoke(context, () => multiValue(event, context) as Promise<ALBResult>);
  return result;
}
