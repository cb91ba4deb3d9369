import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute, GatewayFrontDoor } from '../../src';
import { BedrockEmulator } from '../emulator/bedrock-emulator';
import { albFetch } from '../proxy/alb-events';
import { installLambdaStreamingRuntime } from '../support/lambda-streaming-runtime';
import { startLocalApiGateway } from '../support/local-api-gateway';
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

/**
 * The function's handler loaded from its staged asset the way Lambda does it ("index.handler"), afresh:
 * the entry point reads its environment when it is loaded, and earlier tests may have loaded the same file.
 */
function loadHandler(directory: string, fn: Resource) {
  const [file, exportName] = fn.Properties.Handler.split('.');
  const load = createRequire(__filename);
  const path = load.resolve(join(directory, fn.Metadata!['aws:asset:path'], file));
  delete load.cache[path];
  return load(path)[exportName];
}

/** The stack id CloudFormation would give the deployed stack. */
const STACK_ID = `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK_NAME}/0a1b2c3d-1111-2222-3333-444455556666`;

/**
 * What the deployment would put in place of a value: `{ Ref: <logical id> }` from `refs`, `Fn::Join` of resolvable
 * parts, and the stack id's `Fn::Select`/`Fn::Split` (the usage plans' API key values); literal values stay.
 */
function resolveValue(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Ref'?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::Select'?: [number, { 'Fn::Split': [string, unknown] }] };
  if (v.Ref === 'AWS::StackId') return STACK_ID;
  if (v.Ref === 'AWS::StackName') return STACK_NAME;
  if (v.Ref && refs[v.Ref]) return refs[v.Ref];
  if (v['Fn::Join']) return v['Fn::Join'][1].map((part) => resolveValue(part, refs)).join(v['Fn::Join'][0]);
  if (v['Fn::Select']) {
    const [index, { 'Fn::Split': [separator, source] }] = v['Fn::Select'];
    return resolveValue(source, refs).split(separator)[index];
  }
  throw new Error(`no deployed value for ${JSON.stringify(value)}`);
}

function resolveEnvironment(variables: Record<string, unknown>, refs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolveValue(value, refs)]));
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
      const handler = loadHandler(directory, fn);
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

  test('keys: the function with the deployed keys document serves each key its models and holds its limit in the limits table', async () => {
    // GIVEN a gateway with a generated key (one model, 2 requests a minute) and a key in SSM (embeddings only),
    // and those resources as CloudFormation would create them
    const { directory, ofType } = synthesize({
      keys: [
        { name: 'search-team', models: ['amazon.nova-lite-v1:0'], limits: { requestsPerMinute: 2 } },
        { name: 'ops', value: ApiKeySource.fromSsmParameterName('/gateway/keys/ops'), models: ['amazon.titan-embed-text-v2:0'] },
      ],
    });
    const [[, fn]] = ofType('AWS::Lambda::Function');
    const [[secretId, secret]] = ofType('AWS::SecretsManager::Secret');
    const created = await new SecretsManagerClient(moto.clientConfig).send(new CreateSecretCommand({
      Name: 'gateway-key-search-team',
      SecretString: JSON.stringify({ [secret.Properties.GenerateSecretString.GenerateStringKey]: 'sk-search' }),
    }));
    await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: '/gateway/keys/ops', Value: 'sk-ops', Type: 'SecureString' }));
    const tables = await createTables(moto, ofType('AWS::DynamoDB::Table'));
    const environment = resolveEnvironment(fn.Properties.Environment.Variables, { [secretId]: created.ARN!, ...tables });
    expect(Object.keys(environment).sort()).toEqual([
      'API_KEYS_DOCUMENT', 'DEFAULT_EMBEDDING_MODEL', 'DEFAULT_MODEL', 'GATEWAY_NAME', 'LIMITS_TABLE_NAME', 'REQUEST_TIMEOUT_SECONDS',
      'RESPONSES_TABLE_NAME',
    ]);
    // Three requests must fall in one UTC minute, the limit's window.
    const second = new Date().getUTCSeconds();
    if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const saved = { ...process.env };
    const lines: string[] = [];
    const write = process.stdout.write;
    Object.assign(process.env, awsEnvironment, environment);
    try {
      // WHEN the function runs with that environment
      const handler = loadHandler(directory, fn);
      // The proxy writes its usage metrics to stdout, as Lambda hands stdout to CloudWatch Logs.
      process.stdout.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      const client = (apiKey: string) => new OpenAI({ baseURL: 'http://gateway.example/api/v1', apiKey, maxRetries: 0, fetch: albFetch(handler) });
      const chat = (apiKey: string, model: string) => client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

      // THEN each key opens the API with its own value, for its own models only
      expect((await chat('sk-search', 'amazon.nova-lite-v1:0')).choices[0].message.content).toBe('hi');
      expect(await chat('sk-ops', 'amazon.nova-lite-v1:0').catch((e) => e)).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect((await client('sk-ops').embeddings.create({ model: 'amazon.titan-embed-text-v2:0', input: 'hi' })).data).toHaveLength(1);
      expect(await client('sk-wrong').models.list().catch((e) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
      // AND the limited key gets its second request, then a 429, counted in the limits table
      await chat('sk-search', 'amazon.nova-lite-v1:0');
      const limited = await chat('sk-search', 'amazon.nova-lite-v1:0').catch((e) => e);
      expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
      expect(limited.code).toBe('rate_limit_exceeded');
      const counters = await new DynamoDBClient(moto.clientConfig).send(new ScanCommand({ TableName: environment.LIMITS_TABLE_NAME }));
      expect(JSON.stringify(counters.Items)).toContain('search-team');
      // AND its usage metrics carry the Gateway dimension the dashboard and alarms search for
      const metrics = lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
      expect(metrics.length).toBeGreaterThanOrEqual(5);
      expect(new Set(metrics.map((m) => m.Gateway))).toEqual(new Set([`${STACK_NAME}-Gateway`]));
      expect(new Set(metrics.map((m) => m.KeyName))).toEqual(new Set(['search-team', 'ops']));
      expect(metrics.some((m) => m.KeyName === 'search-team' && m.Throttled === 1)).toBe(true);
    } finally {
      process.stdout.write = write;
      process.env = saved;
    }
  });

  test('API Gateway: the staged streaming entry point and authorizer answer the OpenAI SDK with the key from SSM', async () => {
    // GIVEN a synthesized API Gateway front door reading its key from SSM
    const { directory, ofType } = synthesize({ frontDoor: GatewayFrontDoor.apiGateway(), apiKey: ApiKeySource.fromSsmParameterName('/gateway/apigw-key') });
    await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: '/gateway/apigw-key', Value: 'sk-apigw', Type: 'SecureString' }));
    const functions = Object.fromEntries(ofType('AWS::Lambda::Function').map(([, fn]) => [fn.Properties.Handler, fn]));
    const [[, defaultPlanKey]] = ofType('AWS::ApiGateway::ApiKey');
    const tables = await createTables(moto, ofType('AWS::DynamoDB::Table'));
    const saved = { ...process.env };
    installLambdaStreamingRuntime();
    try {
      // WHEN each function's code is loaded from its asset with its own environment, as Lambda does
      Object.assign(process.env, awsEnvironment, resolveEnvironment(functions['authorizer.handler'].Properties.Environment.Variables, tables));
      const authorizer = loadHandler(directory, functions['authorizer.handler']);
      process.env = { ...saved };
      Object.assign(process.env, awsEnvironment, resolveEnvironment(functions['streaming.handler'].Properties.Environment.Variables, tables));
      const gateway = await startLocalApiGateway(loadHandler(directory, functions['streaming.handler']));
      try {
        // THEN the authorizer allows the key from SSM and names the default usage plan's API key
        const event = { type: 'REQUEST', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api/v1/GET/api/v1/models', headers: { Authorization: 'Bearer sk-apigw' } };
        const allowed = await authorizer(event);
        expect(allowed).toMatchObject({ principalId: 'default', context: { keyName: 'default' } });
        expect(allowed.usageIdentifierKey).toBe(resolveValue(defaultPlanKey.Properties.Value, {}));
        await expect(authorizer({ ...event, headers: { Authorization: 'Bearer sk-wrong' } })).rejects.toThrow('Unauthorized');

        // AND the streaming function serves the OpenAI API through the stage URL, streams included
        const client = new OpenAI({ baseURL: `${gateway.stageUrl}/api/v1`, apiKey: 'sk-apigw', maxRetries: 0 });
        expect((await client.models.list()).data.map((m) => m.id)).toContain('amazon.nova-lite-v1:0');
        const stream = await client.chat.completions.create({ model: 'amazon.nova-lite-v1:0', stream: true, messages: [{ role: 'user', content: 'streamed' }] });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        expect(text).toBe('streamed');
      } finally {
        await gateway.stop();
      }
    } finally {
      process.env = saved;
    }
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
