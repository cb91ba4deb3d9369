import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ALBResult } from 'aws-lambda';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { albEvent } from './alb-events';
import { ServerProcess, startServerProcess } from './server-process';
import { bundleProxyEntry } from '../../scripts/bundle-proxy';
import { BedrockEmulator } from '../emulator/bedrock-emulator';
import { Moto, motoAvailable, startMoto } from '../support/moto';

/** Requires the Lambda bundle, hands it the ALB event from stdin and prints the handler's result as the last line. */
const INVOKE = `
const { handler } = require(process.argv[1]);
let input = '';
process.stdin.on('data', (d) => { input += d; }).on('end', async () => {
  const result = await handler(JSON.parse(input), { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 60_000 });
  process.stdout.write('\\n' + JSON.stringify(result) + '\\n');
  process.exit(0);
});`;

describe.skipIf(!motoAvailable)('the shipped bundles fetch the API key from Secrets Manager and SSM (moto_server)', () => {
  let moto: Moto;
  let emulator: BedrockEmulator;
  let outdir: string;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    [moto, emulator] = await Promise.all([startMoto(), BedrockEmulator.start()]);
    outdir = mkdtempSync(join(tmpdir(), 'gateway-bundle-'));
    await bundleProxyEntry('server', outdir);
    await bundleProxyEntry('lambda', outdir);
    // Configured only by environment, as deployed: the SDK finds each endpoint in AWS_ENDPOINT_URL_<SERVICE>.
    env = { ...emulator.environment, AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_ENDPOINT_URL_SSM: moto.endpoint };
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await Promise.all([moto?.stop(), emulator?.stop()]);
  });

  test('container server with API_KEY_SECRET_ARN', async () => {
    const secrets = new SecretsManagerClient(moto.clientConfig);
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'bundle/key', SecretString: JSON.stringify({ api_key: 'sk-from-secret' }) }));
    const server = await startServerProcess(join(outdir, 'container', 'server.js'), { ...env, API_KEY_SECRET_ARN: ARN! });
    servers.push(server);
    const openai = (apiKey: string) => new OpenAI({ baseURL: server.baseURL, apiKey, maxRetries: 0 });
    const completion = await openai('sk-from-secret').chat.completions.create({ model: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: 'via the bundle' }] });
    expect(completion.choices[0].message.content).toBe('via the bundle');
    expect(await openai('sk-wrong').models.list().catch((e) => e.status)).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('Lambda handler with API_KEY_PARAM_NAME', async () => {
    const ssm = new SSMClient(moto.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/bundle/api-key', Value: 'sk-from-ssm', Type: 'SecureString' }));
    // Asynchronously: the Bedrock emulator runs in this process and must keep answering.
    const invoke = async (apiKey: string): Promise<ALBResult> => {
      const event = albEvent({ method: 'GET', path: '/api/v1/models', headers: { authorization: `Bearer ${apiKey}` } });
      const child = spawn(process.execPath, ['-e', INVOKE, join(outdir, 'lambda', 'index.js')], {
        env: { PATH: process.env.PATH, ...env, API_KEY_PARAM_NAME: '/bundle/api-key', LOG_LEVEL: 'silent' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.stdin.end(JSON.stringify(event));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code, err).toBe(0);
      return JSON.parse(out.trim().split('\n').pop()!);
    };
    const ok = await invoke('sk-from-ssm');
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body!).data.map((m: { id: string }) => m.id)).toContain('amazon.nova-lite-v1:0');
    const denied = await invoke('sk-wrong');
    expect(denied.statusCode).toBe(401);
    expect(JSON.parse(denied.body!).error.code).toBe('invalid_api_key');
  });
});
