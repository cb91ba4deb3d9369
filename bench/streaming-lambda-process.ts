import { join } from 'node:path';
import { installLambdaStreamingRuntime } from '../test/support/lambda-streaming-runtime';
import { startLocalApiGateway } from '../test/support/local-api-gateway';

/**
 * Runs the bundled streaming Lambda entry point (assets/lambda/streaming.js, configured by environment as deployed)
 * behind the local stand-in for API Gateway, in its own process; prints the stage URL, stops on SIGTERM.
 */
async function main(): Promise<void> {
  installLambdaStreamingRuntime();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(join(process.env.BENCH_ROOT!, 'assets', 'lambda', 'streaming.js'));
  const gateway = await startLocalApiGateway(handler);
  process.stdout.write(`${JSON.stringify({ stageUrl: gateway.stageUrl })}\n`);
  process.once('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));
}

void main();
