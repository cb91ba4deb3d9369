import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness } from './harness';
import { parseKeysDocument } from '../../lambda/keys/keys-document';
import { Moto, motoAvailable, startMoto } from '../support/moto';
import { toolAvailable } from '../support/tools';

const cliAvailable = motoAvailable && toolAvailable('aws', 'REQUIRE_AWS_CLI') && toolAvailable('jq', 'REQUIRE_AWS_CLI') && toolAvailable('openssl', 'REQUIRE_AWS_CLI');

/** The bash blocks of the README's "Managing keys" section, as an administrator copies them. */
function managingKeysBlocks(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('### Managing keys');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
}

const START = { keys: [{ name: 'ops', key: 'sk-ops' }] };

describe.skipIf(!cliAvailable)('the README\'s key-management commands (aws CLI and jq against moto_server)', () => {
  let moto: Moto;
  beforeAll(async () => { moto = await startMoto(); });
  afterAll(async () => { await moto?.stop(); });

  /** Runs a script as the README shows it; returns the keys it printed. */
  const run = (script: string): string[] => {
    const out = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      env: { PATH: process.env.PATH, AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1' },
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    return out.stdout.split('\n').filter(Boolean);
  };

  /** What the commands must have made of START: search-team added with its models and limits, then disabled, then rotated. */
  const expectEdited = (stored: string, printed: string[]) => {
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^sk-[0-9a-f]{48}$/);
    expect(printed[1]).not.toBe(printed[0]);
    expect(parseKeysDocument(stored).keys).toEqual([
      { name: 'ops', value: { kind: 'inline', value: 'sk-ops' }, disabled: false },
      {
        name: 'search-team',
        value: { kind: 'inline', value: printed[1] },
        models: ['anthropic.claude-3-haiku-20240307-v1:0'],
        limits: { requestsPerMinute: 60, tokensPerMonth: 50000000 },
        disabled: true,
      },
    ]);
  };

  test('with the document in Secrets Manager: add, disable, rotate; the gateway takes the result', async () => {
    const secrets = new SecretsManagerClient(moto.clientConfig);
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'admin/keys', SecretString: JSON.stringify(START) }));
    const [block] = managingKeysBlocks();
    const printed = run(block.replace(/^KEYS_SECRET=.*$/m, `KEYS_SECRET=${ARN}`));
    const stored = (await secrets.send(new GetSecretValueCommand({ SecretId: ARN }))).SecretString!;
    expectEdited(stored, printed);
    const h = await startHarness({ env: { API_KEYS_SECRET_ARN: ARN! }, deps: { keyStore: moto.clientConfig } });
    try {
      expect((await h.client('sk-ops').models.list()).data.length).toBeGreaterThan(0);
      expect(await h.client(printed[1]).models.list().catch((e) => e.status)).toBe(401);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('with the document in an SSM parameter: the same commands with its edit_keys', async () => {
    const ssm = new SSMClient(moto.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/admin/keys', Type: 'SecureString', Value: JSON.stringify(START) }));
    const [secretsBlock, ssmBlock] = managingKeysBlocks();
    const operations = secretsBlock.slice(secretsBlock.indexOf('# Add a key'));
    const printed = run(`${ssmBlock.replace(/^KEYS_PARAM=.*$/m, 'KEYS_PARAM=/admin/keys')}\n${operations}`);
    const stored = (await ssm.send(new GetParameterCommand({ Name: '/admin/keys', WithDecryption: true }))).Parameter!.Value!;
    expectEdited(stored, printed);
  }, 60_000);
});
