import awsLambdaFastify from '@fastify/aws-lambda';
import { build } from './app';
import { loadConfig } from './config';
import { createDeps } from './create-deps';

const config = loadConfig();
const app = build(config, createDeps(config));
const proxy = awsLambdaFastify(app);
// Ready the app during init, outside the billed first request.
const ready = app.ready();

/** Lambda entry point for ALB target-group events. */
export async function handler(event: unknown, context: unknown): Promise<unknown> {
  await ready;
  return proxy(event as never, context as never);
}
