import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
  const stack = new Stack(app, 'Stack');
  new BedrockAccessGateway(stack, 'Gateway', props);
  const assembly = app.synth();
  const artifact = assembly.getStackByName('Stack');
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

/** The stack id CloudFormation would give the deployed stack. */
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/0a1b2c3d-1111-2222-3333-444455556666';

/**
 * What the deployment would put in place of a value: `{ Ref: <logical id> }` from `refs`, `Fn::Join` of resolvable
 * parts, and the stack id's `Fn::Select`/`Fn::Split` (the usage plans' API key values); literal values stay.
 */
function resolveValue(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Ref'?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::Select'?: [number, { 'Fn::Split': [string, unknown] }] };
  if (v.Ref === 'AWS::StackId') return STACK_ID;
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
    const environment = resolveEnvironment(fn.Properties.Environment.Variables, { [secretId]: created.ARN! });
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

  test('API Gateway: the staged streaming entry point and authorizer answer the OpenAI SDK with the key from SSM', async () => {
    // GIVEN a synthesized API Gateway front door reading its key from SSM
    const { directory, ofType } = synthesize({ frontDoor: GatewayFrontDoor.apiGateway(), apiKey: ApiKeySource.fromSsmParameterName('/gateway/apigw-key') });
    await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: '/gateway/apigw-key', Value: 'sk-apigw', Type: 'SecureString' }));
    const functions = Object.fromEntries(ofType('AWS::Lambda::Function').map(([, fn]) => [fn.Properties.Handler, fn]));
    const [[, defaultPlanKey]] = ofType('AWS::ApiGateway::ApiKey');
    const load = (fn: Resource) => {
      const [file, exportName] = fn.Properties.Handler.split('.');
      return createRequire(__filename)(join(directory, fn.Metadata!['aws:asset:path'], file))[exportName];
    };
    const saved = { ...process.env };
    installLambdaStreamingRuntime();
    try {
      // WHEN each function's code is loaded from its asset with its own environment, as Lambda does
      Object.assign(process.env, awsEnvironment, resolveEnvironment(functions['authorizer.handler'].Properties.Environment.Variables, {}));
      const authorizer = load(functions['authorizer.handler']);
      process.env = { ...saved };
      Object.assign(process.env, awsEnvironment, resolveEnvironment(functions['streaming.handler'].Properties.Environment.Variables, {}));
      const gateway = await startLocalApiGateway(load(functions['streaming.handler']));
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
      Object.fromEntries(container.Environment.map((v: { Name: string; Value: unknown }) => [v.Name, v.Value])), {});
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
