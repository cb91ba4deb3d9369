import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { joinCfnString } from './support';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute } from '../../src';
import { BedrockEmulator } from '../emulator/bedrock-emulator';
import { albFetch } from '../proxy/alb-events';
import { freePort, stopProcess, waitForHttp } from '../support/local-server';
import { Moto, motoAvailable, startMoto } from '../support/moto';

type Resource = { Type: string; Properties: any; Metadata?: Record<string, string> };

/** Synthesizes a gateway into a cloud assembly with asset paths, as `cdk synth` does. */
function synthesize(props: ConstructorParameters<typeof BedrockAccessGateway>[2]) {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, STACK_NAME);
  new BedrockAccessGateway(stack, 'Gateway', props);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(STACK_NAME);
  const resources: Record<string, Resource> = artifact.template.Resources;
  /** The resources of one type, with their logical ids. */
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  /** The directory of the one container image asset (its Docker build context). */
  const imageContext = () => {
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${artifact.stackName}.assets.json`), 'utf8'));
    const images = Object.values<{ source: { directory: string } }>(manifest.dockerImages ?? {});
    expect(images).toHaveLength(1);
    return join(assembly.directory, images[0].source.directory);
  };
  return { directory: assembly.directory, ofType, imageContext };
}

/** The stack name the resolved environment uses for `AWS::StackName`. */
const STACK_NAME = 'Stack';

/**
 * Replaces `{ Ref }` values (also inside `Fn::Join`) with what the deployment would put there: `refs` for
 * logical ids, the stack name for `AWS::StackName`; literal values stay.
 */
function resolveEnvironment(variables: Record<string, unknown>, refs: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { 'AWS::StackName': STACK_NAME, ...refs };
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, joinCfnString(value, (node) => {
    if (node.Ref && all[node.Ref]) return all[node.Ref];
    throw new Error(`${name}: no deployed value for ${JSON.stringify(node)}`);
  })]));
}

/** Creates the template's DynamoDB tables in moto as CloudFormation would; returns logical id → table name. */
async function createTables(moto: Moto, tables: [string, Resource][]): Promise<Record<string, string>> {
  const client = new DynamoDBClient(moto.clientConfig);
  const names: Record<string, string> = {};
  for (const [logicalId, table] of tables) {
    const name = `${STACK_NAME}-${logicalId}-${randomBytes(4).toString('hex')}`;
    await client.send(new CreateTableCommand({
      TableName: name,
      KeySchema: table.Properties.KeySchema,
      AttributeDefinitions: table.Properties.AttributeDefinitions,
      BillingMode: table.Properties.BillingMode,
    }));
    names[logicalId] = name;
  }
  return names;
}

/** The IAM action each Bedrock API operation needs (Converse uses the InvokeModel permissions). */
const IAM_ACTION: Record<string, string> = {
  Converse: 'bedrock:InvokeModel',
  ConverseStream: 'bedrock:InvokeModelWithResponseStream',
  InvokeModel: 'bedrock:InvokeModel',
  InvokeModelWithResponseStream: 'bedrock:InvokeModelWithResponseStream',
  ListFoundationModels: 'bedrock:ListFoundationModels',
  ListInferenceProfiles: 'bedrock:ListInferenceProfiles',
  GetFoundationModel: 'bedrock:GetFoundationModel',
  GetInferenceProfile: 'bedrock:GetInferenceProfile',
};

/** Every action the policies attached to a role allow. */
function allowedActions(policies: [string, Resource][], roleId: string): string[] {
  return policies
    .filter(([, policy]) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action));
}

describe.skipIf(!motoAvailable)('the proxy as the construct deploys it', () => {
  let moto: Moto;
  let emulator: BedrockEmulator;
  /** What every AWS client in the proxy needs to reach the local services instead of AWS. */
  let awsEnvironment: Record<string, string>;

  beforeAll(async () => {
    [moto, emulator] = await Promise.all([startMoto(), BedrockEmulator.start()]);
    awsEnvironment = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ENDPOINT_URL_BEDROCK: emulator.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.endpoint,
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), emulator?.stop()]);
  });

  test('Lambda: the staged asset, its handler and environment answer the OpenAI SDK with the generated key', async () => {
    // GIVEN a synthesized gateway with a generated key, and that secret as CloudFormation would create it
    const { directory, ofType } = synthesize({ defaultModel: 'amazon.nova-lite-v1:0' });
    const [[, fn]] = ofType('AWS::Lambda::Function');
    const [[secretId, secret]] = ofType('AWS::SecretsManager::Secret');
    const generate = secret.Properties.GenerateSecretString;
    const key = randomBytes(generate.PasswordLength).toString('hex').slice(0, generate.PasswordLength);
    const created = await new SecretsManagerClient(moto.clientConfig).send(new CreateSecretCommand({
      Name: 'gateway-api-key',
      SecretString: JSON.stringify({ [generate.GenerateStringKey]: key }),
    }));
    const tables = await createTables(moto, ofType('AWS::DynamoDB::Table'));
    const environment = resolveEnvironment(fn.Properties.Environment.Variables, { [secretId]: created.ARN!, ...tables });
    expect(environment).toMatchObject({ RESPONSES_TABLE_NAME: Object.values(tables)[0], GATEWAY_NAME: `${STACK_NAME}-Gateway` });
    const saved = { ...process.env };
    Object.assign(process.env, awsEnvironment, environment);
    try {
      // WHEN the function's code is loaded from its asset the way Lambda does it (handler "index.handler")
      const [file, exportName] = fn.Properties.Handler.split('.');
      const assetDir = join(directory, fn.Metadata!['aws:asset:path']);
      const handler = createRequire(__filename)(join(assetDir, file))[exportName];
      const client = (apiKey: string) => new OpenAI({ baseURL: 'http://gateway.example/api/v1', apiKey, maxRetries: 0, fetch: albFetch(handler) });

      // THEN the key from the secret opens the API, and an OpenAI model name goes to the default model
      emulator.reset();
      const completion = await client(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
      expect(completion.choices[0].message.content).toBe('hello');
      expect(emulator.callsTo('Converse').at(-1)!.modelId).toBe('amazon.nova-lite-v1:0');
      const stream = await client(key).chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const chunk of stream) expect(chunk.object).toBe('chat.completion.chunk');
      await client(key).models.list();
      await client(key).embeddings.create({ model: 'amazon.titan-embed-text-v2:0', input: 'hi' });
      const denied = await client('sk-wrong').models.list().catch((e) => e);
      expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);

      // AND the function's role allows every Bedrock call the proxy made, plus the key read
      const used = [...new Set(emulator.calls.map((call) => IAM_ACTION[call.operation] ?? `unmapped operation ${call.operation}`))];
      const granted = allowedActions(ofType('AWS::IAM::Policy'), fn.Properties.Role['Fn::GetAtt'][0]);
      expect(granted).toEqual(expect.arrayContaining([...used, 'secretsmanager:GetSecretValue']));
    } finally {
      process.env = saved;
    }
  });

  test('keys: the deployed environment holds a keys document whose entries reach each key\'s value, and the tables', async () => {
    // GIVEN a gateway with a generated key (with limits) and a key in SSM, and those resources as CloudFormation would create them
    const { ofType } = synthesize({
      keys: [
        { name: 'search-team', models: ['amazon.nova-lite-v1:0'], limits: { requestsPerMinute: 2 } },
        { name: 'ops', value: ApiKeySource.fromSsmParameterName('/gateway/keys/ops') },
      ],
    });
    const [[, fn]] = ofType('AWS::Lambda::Function');
    const [[secretId, secret]] = ofType('AWS::SecretsManager::Secret');
    const secrets = new SecretsManagerClient(moto.clientConfig);
    const created = await secrets.send(new CreateSecretCommand({
      Name: 'gateway-key-search-team',
      SecretString: JSON.stringify({ [secret.Properties.GenerateSecretString.GenerateStringKey]: 'sk-search' }),
    }));
    const ssm = new SSMClient(moto.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/gateway/keys/ops', Value: 'sk-ops', Type: 'SecureString' }));
    const tables = await createTables(moto, ofType('AWS::DynamoDB::Table'));

    // WHEN the function's environment is resolved as the deployment would
    const environment = resolveEnvironment(fn.Properties.Environment.Variables, { [secretId]: created.ARN!, ...tables });

    // THEN it names the keys document (and no single key), the limits and responses tables, and the gateway
    expect(Object.keys(environment).sort()).toEqual(
      ['API_KEYS_DOCUMENT', 'DEFAULT_EMBEDDING_MODEL', 'DEFAULT_MODEL', 'GATEWAY_NAME', 'LIMITS_TABLE_NAME', 'RESPONSES_TABLE_NAME']);
    expect(Object.values(tables)).toEqual(expect.arrayContaining([environment.LIMITS_TABLE_NAME, environment.RESPONSES_TABLE_NAME]));
    // AND the document is valid JSON in the agreed shape, whose references read the keys' values
    const document = JSON.parse(environment.API_KEYS_DOCUMENT);
    expect(document).toEqual({
      keys: [
        { name: 'search-team', secretArn: created.ARN, models: ['amazon.nova-lite-v1:0'], limits: { requestsPerMinute: 2 } },
        { name: 'ops', parameterName: '/gateway/keys/ops' },
      ],
    });
    const stored = await secrets.send(new GetSecretValueCommand({ SecretId: document.keys[0].secretArn }));
    expect(JSON.parse(stored.SecretString!).api_key).toBe('sk-search');
    const parameter = await ssm.send(new GetParameterCommand({ Name: document.keys[1].parameterName, WithDecryption: true }));
    expect(parameter.Parameter!.Value).toBe('sk-ops');
    // AND the role may read exactly those two and use exactly those two tables
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === fn.Properties.Role['Fn::GetAtt'][0]))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    const resourcesOf = (action: string) => statements.filter((st: { Action: string | string[] }) => [st.Action].flat().includes(action))
      .flatMap((st: { Resource: unknown }) => [st.Resource].flat());
    expect(resourcesOf('secretsmanager:GetSecretValue')).toEqual([{ Ref: secretId }]);
    expect(resourcesOf('ssm:GetParameter')).toHaveLength(1);
    expect(resourcesOf('dynamodb:UpdateItem')).toEqual(Object.keys(tables).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
  });

  test('Fargate: the staged container context runs with the task environment and reads an SSM key', async () => {
    // GIVEN a synthesized Fargate gateway reading its key from a hierarchical SSM parameter
    const { ofType, imageContext } = synthesize({
      compute: GatewayCompute.fargate({ containerPort: await freePort() }),
      apiKey: ApiKeySource.fromSsmParameterName('/gateway/api-key'),
    });
    await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: '/gateway/api-key', Value: 'sk-from-ssm', Type: 'SecureString' }));
    const [[, task]] = ofType('AWS::ECS::TaskDefinition');
    const container = task.Properties.ContainerDefinitions[0];
    const environment = resolveEnvironment(
      Object.fromEntries(container.Environment.map((v: { Name: string; Value: unknown }) => [v.Name, v.Value])),
      await createTables(moto, ofType('AWS::DynamoDB::Table')));
    const context = imageContext();
    // The image runs `node server.js` from its build context (see its Dockerfile).
    expect(readFileSync(join(context, 'Dockerfile'), 'utf8')).toMatch(/CMD \["node", "server\.js"\]/);

    // WHEN the server starts as the container would, with the task's environment (HOST keeps it on loopback here)
    const child = spawn(process.execPath, [join(context, 'server.js')], {
      env: { ...awsEnvironment, ...environment, HOST: '127.0.0.1', PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    try {
      const baseUrl = `http://127.0.0.1:${environment.PORT}`;
      await waitForHttp(`${baseUrl}/health`, child, 'server');

      // THEN it serves the OpenAI API on the container port with the key from SSM
      const models = await new OpenAI({ baseURL: `${baseUrl}/api/v1`, apiKey: 'sk-from-ssm', maxRetries: 0 }).models.list();
      expect(models.data.map((m) => m.id)).toContain('amazon.nova-lite-v1:0');
      const denied = await new OpenAI({ baseURL: `${baseUrl}/api/v1`, apiKey: 'sk-wrong', maxRetries: 0 }).models.list().catch((e) => e);
      expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    } finally {
      await stopProcess(child);
    }
  });
});
