import { Agent, request } from 'node:http';
import { Child, spawnNode } from './processes';
import { freePort } from '../test/support/local-server';

export { DEPLOYED_HEAP_FLAGS } from '../projenrc/deployed-heap';

/** One POST to a gateway route: resolves when the whole answer has arrived (200); `onData` sees each chunk as it comes. */
export type GatewayCall = (body: string, onData?: (chunk: Buffer) => void) => Promise<void>;

/**
 * A minimal keep-alive HTTP client for one route (chat completions unless `route` says otherwise, under `pathPrefix`),
 * so the load generator spends little CPU on the gateway side; `maxSockets` bounds the requests in flight at once.
 */
export function gatewayClient(port: number, apiKey: string, pathPrefix = '', route = '/api/v1/chat/completions', maxSockets = 256): GatewayCall {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (body: string, onData?: (chunk: Buffer) => void) => new Promise<void>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: `${pathPrefix}${route}`,
      method: 'POST',
      agent,
      headers: { 'authorization': `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.on('data', (chunk: Buffer) => onData?.(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the gateway did not become healthy within 20 s');
}

/**
 * Starts the bundled server as deployed (default LOG_LEVEL: one access-log line per request, to a discarded stdout)
 * against the Bedrock emulator at `endpoint`, with `env` on top; resolves once it is healthy.
 */
export async function startGateway(serverBundle: string, endpoint: string, env: Record<string, string>): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = spawnNode(serverBundle, {
    PORT: String(port),
    HOST: '127.0.0.1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint,
    AWS_ENDPOINT_URL_BEDROCK: endpoint,
    ...env,
  }, true);
  await waitForHealth(port);
  return { child, port };
}
