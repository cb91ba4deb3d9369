import { CfnParameter, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, test } from 'vitest';
import { cfnArn, joinCfnString, newStack, proxyKeyStatements, proxyRoleStatements, useSynthChecks } from './support';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute, KeysDocument } from '../../src';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET_US = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/keys-AbCdEf';
const SECRET_READ = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/** The Lambda function's environment variable `name`, as in the template. */
function lambdaVariable(template: Template, name: string): unknown {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  return fn.Properties.Environment.Variables[name];
}

/**
 * The keys document the proxy gets, parsed: the `Fn::Join` of `API_KEYS_DOCUMENT` with each reference
 * written as `<Ref:logicalId>` or `<GetAtt:logicalId.attribute>`, so the JSON around them is checked as deployed.
 */
function keysDocument(template: Template): { keys: Array<Record<string, unknown>> } {
  const text = joinCfnString(lambdaVariable(template, 'API_KEYS_DOCUMENT'),
    (node) => node.Ref ? `<Ref:${node.Ref}>` : `<GetAtt:${node['Fn::GetAtt']![0]}.${node['Fn::GetAtt']![1]}>`);
  return JSON.parse(text);
}

const logicalIds = (template: Template, type: string) => Object.keys(template.findResources(type));

describe('BedrockAccessGateway keys declared in CDK', () => {
  const synthClean = useSynthChecks();

  test('each key gets a generated secret by default; the proxy gets a document referencing them and may read exactly those', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      keys: [{ name: 'search-team', models: [HAIKU, TITAN] }, { name: 'ops' }],
    });
    // THEN
    const template = synthClean(stack);
    const secrets = logicalIds(template, 'AWS::SecretsManager::Secret');
    expect(secrets).toEqual([expect.stringMatching(/^GatewayKeyssearchteamSecret/), expect.stringMatching(/^GatewayKeysopsSecret/)]);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'API key "search-team" of the Bedrock Access Gateway (JSON field "api_key")',
      GenerateSecretString: { GenerateStringKey: 'api_key', PasswordLength: 48, ExcludePunctuation: true },
    });
    expect(keysDocument(template)).toEqual({
      keys: [
        { name: 'search-team', secretArn: `<Ref:${secrets[0]}>`, models: [HAIKU, TITAN] },
        { name: 'ops', secretArn: `<Ref:${secrets[1]}>` },
      ],
    });
    for (const single of ['API_KEY_SECRET_ARN', 'API_KEY_PARAM_NAME', 'API_KEYS_SECRET_ARN', 'LIMITS_TABLE_NAME']) {
      expect(lambdaVariable(template, single), single).toBeUndefined();
    }
    expect(proxyKeyStatements(template)).toEqual(secrets.map((id) => ({ Action: SECRET_READ, Effect: 'Allow', Resource: { Ref: id } })));
    // The generated secrets are outputs and reachable by name; there is no single key.
    template.hasOutput('*', { Description: 'Secrets Manager secret holding the API key "search-team"', Value: { Ref: secrets[0] } });
    template.hasOutput('*', { Description: 'Secrets Manager secret holding the API key "ops"', Value: { Ref: secrets[1] } });
    expect(stack.resolve(gateway.keySecret('ops').secretArn)).toEqual({ Ref: secrets[1] });
    expect(gateway.apiKeySecret).toBeUndefined();
    expect(() => gateway.keySecret('nobody')).toThrow('keySecret: no key named "nobody" keeps its value in Secrets Manager; the keys that do: search-team, ops');
  });

  test('existing secrets and parameters: the document names them (with a non-default field) and the proxy reads exactly those', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'ParameterKey', { enableKeyRotation: true });
    const name = new CfnParameter(stack, 'TeamParameter', { type: 'String' });
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      compute: GatewayCompute.fargate(),
      keys: [
        { name: 'a', value: ApiKeySource.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:team-a-AbCdEf', 'token') },
        { name: 'b', value: ApiKeySource.fromSsmParameterName('/gateway/keys/b', key) },
        { name: 'c', value: ApiKeySource.fromSsmParameterName(name.valueAsString) },
      ],
    });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const variable = task.Properties.ContainerDefinitions[0].Environment.find((v: { Name: string }) => v.Name === 'API_KEYS_DOCUMENT');
    expect(variable.Value).toEqual({
      'Fn::Join': ['', [
        '{"keys":[{"name":"a","secretArn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:team-a-AbCdEf","secretField":"token"},'
        + '{"name":"b","parameterName":"/gateway/keys/b"},{"name":"c","parameterName":"',
        { Ref: 'TeamParameter' },
        '"}]}',
      ]],
    });
    const parameterArn = (...name_: unknown[]) => cfnArn(':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...name_);
    expect(proxyKeyStatements(template)).toEqual([
      { Action: SECRET_READ, Effect: 'Allow', Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:team-a-AbCdEf' },
      { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: parameterArn(':parameter/gateway/keys/b') },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalIds(template, 'AWS::KMS::Key')[0], 'Arn'] } },
      { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: [parameterArn(':parameter/', { Ref: 'TeamParameter' }), parameterArn(':parameter', { Ref: 'TeamParameter' })] },
    ]);
    expect(Object.keys(template.findOutputs('*'))).toEqual([expect.stringMatching(/^GatewayApiBaseUrl/)]);
    expect(() => gateway.keySecret('b')).toThrow('keySecret: no key named "b" keeps its value in Secrets Manager; the keys that do: a');
  });

  test('limits and disabled keys reach the document; limits create the limits table, read and written by the proxy only', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      keys: [
        { name: 'capped', limits: { requestsPerMinute: 60, tokensPerMinute: 100_000, tokensPerMonth: 50_000_000, maxConcurrentRequests: 8 } },
        { name: 'suspended', disabled: true, limits: { tokensPerMonth: 1000 } },
        { name: 'free' },
      ],
    });
    // THEN
    const template = synthClean(stack);
    expect(keysDocument(template).keys.map(({ secretArn, ...rest }) => rest)).toEqual([
      { name: 'capped', limits: { requestsPerMinute: 60, tokensPerMinute: 100000, tokensPerMonth: 50000000, maxConcurrentRequests: 8 } },
      { name: 'suspended', limits: { tokensPerMonth: 1000 }, disabled: true },
      { name: 'free' },
    ]);
    const limits = logicalIds(template, 'AWS::DynamoDB::Table').find((id) => id.startsWith('GatewayTablesLimits'))!;
    expect(lambdaVariable(template, 'LIMITS_TABLE_NAME')).toEqual({ Ref: limits });
    expect(stack.resolve(gateway.limitsTable!.tableName)).toEqual({ Ref: limits });
  });

  test('keys without limits need no limits table', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { keys: [{ name: 'a', models: [HAIKU] }] });
    // THEN
    const template = synthClean(stack);
    expect(logicalIds(template, 'AWS::DynamoDB::Table')).toEqual([expect.stringMatching(/^GatewayTablesResponses/)]);
    expect(lambdaVariable(template, 'LIMITS_TABLE_NAME')).toBeUndefined();
    expect(gateway.limitsTable).toBeUndefined();
  });

  test('a Lambda environment beyond 4 KB is reported at synth; a few keys are not', () => {
    // GIVEN
    const many = newStack();
    const few = newStack();
    const keys = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `team-${i}`, models: [HAIKU, SONNET_US] }));
    // WHEN
    new BedrockAccessGateway(many, 'Gateway', { keys: keys(12), costAttribution: true });
    new BedrockAccessGateway(few, 'Gateway', { keys: keys(3), costAttribution: true });
    // THEN
    const warning = Match.stringLikeRegexp("^The function's environment variables come to about \\d+ bytes, and Lambda refuses more than 4096: "
      + 'declare fewer keys \\(or fewer models per key with costAttribution\\), or keep the keys in a keysDocument\\.');
    Annotations.fromStack(many).hasWarning('/Stack/Gateway/Lambda', warning);
    Annotations.fromStack(few).hasNoWarning('*', Match.anyValue());
  });

  test.each([
    [{ keys: [] }, 'keys: must list at least one key, known at synth; received []; declare each key as { name, value?, models?, limits? }, or use keysDocument for keys managed at runtime'],
    [{ keys: [{ name: 'team a' }] },
      'keys[0].name: must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit, known at synth; received "team a"; name the key after its team or use, e.g. "search-team"'],
    [{ keys: [{ name: 'a' }, { name: 'a' }] }, 'keys[1].name: must be unique among the keys; received "a" a second time; give each key its own name'],
    [{ keys: [{ name: 'a', models: [] }] }, 'keys[0].models: must list at least one model id, known at synth; received []; list the Bedrock model ids the key may use, or omit models to allow every model'],
    [{ keys: [{ name: 'a', models: [SONNET_US] }], allowedModels: [HAIKU], defaultModel: HAIKU, defaultEmbeddingModel: HAIKU },
      `keys[0].models: must be among allowedModels, or the gateway may not invoke it; received "${SONNET_US}"; add "${SONNET_US}" to allowedModels or remove it from the key's models`],
    [{ keys: [{ name: 'a', limits: {} }] }, 'keys[0].limits: must set at least one limit; received {}; set any of requestsPerMinute, tokensPerMinute, tokensPerMonth, maxConcurrentRequests, or omit limits'],
    [{ keys: [{ name: 'a' }, { name: 'b', limits: { requestsPerMinute: 1.5 } }] },
      'keys[1].limits.requestsPerMinute: must be a positive integer known at synth; received 1.5; set a whole number of at least 1, or omit it'],
    [{ keys: [{ name: 'a', limits: { tokensPerMonth: 0 } }] },
      'keys[0].limits.tokensPerMonth: must be a positive integer known at synth; received 0; set a whole number of at least 1, or omit it'],
    [{ keys: [{ name: 'a', value: ApiKeySource.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:a') }] },
      'keys[0].value: ApiKeySource.fromSecretArn needs the complete secret ARN; received "arn:aws:secretsmanager:us-east-1:123456789012:secret:a"; '
      + 'copy the full ARN (ending in "-" plus 6 characters) from the Secrets Manager console or pass the secret with ApiKeySource.fromSecret()'],
    [{ apiKey: ApiKeySource.generate(), keys: [{ name: 'a' }] },
      'apiKey, keys: only one key source may be set; received apiKey and keys; use apiKey for one key, keys for named keys declared here, or keysDocument for keys managed at runtime'],
    [{ keys: [{ name: 'a' }], keysDocument: KeysDocument.fromSecretArn(SECRET_ARN) },
      'keys, keysDocument: only one key source may be set; received keys and keysDocument; use apiKey for one key, keys for named keys declared here, or keysDocument for keys managed at runtime'],
    [{ keys: [{ name: 'a' }], costAttribution: true },
      'costAttribution: needs keys that list their models; received no key with models; give the keys whose spend you want to see their models, or omit costAttribution'],
    [{ costAttribution: true }, 'costAttribution: needs keys that list their models; received a single key; declare the keys with the keys prop and give each its models, or omit costAttribution'],
    [{ environment: { API_KEYS_DOCUMENT: '{}' } },
      'environment: sets variables the construct manages; received API_KEYS_DOCUMENT; use the apiKey, keys, keysDocument, storeResponses, defaultModel, defaultEmbeddingModel or compute props instead'],
  ])('invalid keys fail at construction (%#)', (props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props as never)).toThrow(message);
  });
});

describe('BedrockAccessGateway cost attribution', () => {
  const synthClean = useSynthChecks();

  test('one tagged inference profile per key and model, named in the document; IAM adds exactly those profiles to allowedModels', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      keys: [{ name: 'search-team', models: [HAIKU, SONNET_US] }, { name: 'ops' }],
      costAttribution: true,
      allowedModels: [HAIKU, SONNET_US, TITAN],
      defaultModel: HAIKU,
    });
    // THEN
    const template = synthClean(stack);
    const profiles = logicalIds(template, 'AWS::Bedrock::ApplicationInferenceProfile');
    expect(profiles).toHaveLength(2);
    const stackUuid = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
    template.hasResourceProperties('AWS::Bedrock::ApplicationInferenceProfile', {
      InferenceProfileName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^search-team-anthropic-claude-3-haiku-20240307-v1-[0-9a-f]{6}-$'), stackUuid]] },
      ModelSource: { CopyFrom: cfnArn(':bedrock:', { Ref: 'AWS::Region' }, `::foundation-model/${HAIKU}`) },
      Tags: [{ Key: 'bedrock-access-gateway:key', Value: 'search-team' }],
      Description: `Bedrock Access Gateway key search-team model ${HAIKU}`,
    });
    template.hasResourceProperties('AWS::Bedrock::ApplicationInferenceProfile', {
      ModelSource: { CopyFrom: cfnArn(':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:inference-profile/${SONNET_US}`) },
      Tags: [{ Key: 'bedrock-access-gateway:key', Value: 'search-team' }],
    });
    const [searchTeam, ops] = keysDocument(template).keys;
    expect(searchTeam.inferenceProfiles).toEqual({
      [HAIKU]: `<GetAtt:${profiles[0]}.InferenceProfileArn>`,
      [SONNET_US]: `<GetAtt:${profiles[1]}.InferenceProfileArn>`,
    });
    expect(ops.inferenceProfiles).toBeUndefined();
    const invoke = proxyRoleStatements(template).find((s) => (s as { Sid?: string }).Sid === 'InvokeModels') as { Resource: unknown[] };
    expect(invoke.Resource.slice(-2)).toEqual(profiles.map((id) => ({ 'Fn::GetAtt': [id, 'InferenceProfileArn'] })));
    expect(invoke.Resource).toHaveLength(3 /* haiku, sonnet profile + its model */ + 1 /* titan */ + 2);
  });

  test('without allowedModels the application-inference-profile wildcard already covers the profiles: no statement changes', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { keys: [{ name: 'a', models: [HAIKU] }], costAttribution: true });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::Bedrock::ApplicationInferenceProfile', 1);
    const invoke = proxyRoleStatements(template).find((s) => (s as { Sid?: string }).Sid === 'InvokeModels') as { Resource: unknown[] };
    expect(invoke.Resource).toContainEqual(cfnArn(':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':application-inference-profile/*'));
    expect(JSON.stringify(invoke.Resource)).not.toContain('InferenceProfileArn');
  });
});

describe('BedrockAccessGateway keys document managed at runtime', () => {
  const synthClean = useSynthChecks();

  test('fromSecretArn: the proxy reads that secret, gets the limits table (limits are unknown at synth) and the dashboard', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { keysDocument: KeysDocument.fromSecretArn(SECRET_ARN) });
    // THEN
    const template = synthClean(stack);
    expect(lambdaVariable(template, 'API_KEYS_SECRET_ARN')).toBe(SECRET_ARN);
    expect(lambdaVariable(template, 'API_KEY_SECRET_ARN')).toBeUndefined();
    expect(proxyKeyStatements(template)).toEqual([{ Action: SECRET_READ, Effect: 'Allow', Resource: SECRET_ARN }]);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(gateway.limitsTable).toBeDefined();
    expect(gateway.dashboard).toBeDefined();
    expect(Object.keys(template.findOutputs('*'))).toEqual([expect.stringMatching(/^GatewayApiBaseUrl/)]);
  });

  test('fromSecret with name prefixes: read on secrets and parameters under them, and nothing else', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Document');
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'A test fixture standing for a keys document the user keeps.' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      keysDocument: KeysDocument.fromSecret(secret, { keySecretsNamePrefix: 'bedrock-gateway/keys/', keyParametersPath: '/bedrock-gateway/keys/' }),
    });
    // THEN
    const template = synthClean(stack);
    const [documentId] = logicalIds(template, 'AWS::SecretsManager::Secret');
    expect(lambdaVariable(template, 'API_KEYS_SECRET_ARN')).toEqual({ Ref: documentId });
    const account = [{ Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }];
    expect(proxyKeyStatements(template)).toEqual([
      { Action: SECRET_READ, Effect: 'Allow', Resource: { Ref: documentId } },
      { Sid: 'ReadKeySecrets', Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: cfnArn(':secretsmanager:', ...account, ':secret:bedrock-gateway/keys/*') },
      { Sid: 'ReadKeyParameters', Action: 'ssm:GetParameter', Effect: 'Allow', Resource: cfnArn(':ssm:', ...account, ':parameter/bedrock-gateway/keys/*') },
    ]);
  });

  test('fromSsmParameterName with a template parameter as prefix and a customer managed key', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const prefix = new CfnParameter(stack, 'KeySecretsNamePrefix', { type: 'String' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      keysDocument: KeysDocument.fromSsmParameterName('/gateway/keys', { encryptionKey: key, keySecretsNamePrefix: prefix.valueAsString }),
    });
    // THEN
    const template = synthClean(stack);
    expect(lambdaVariable(template, 'API_KEYS_PARAM_NAME')).toBe('/gateway/keys');
    const account = [{ Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }];
    expect(proxyKeyStatements(template)).toEqual([
      { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: cfnArn(':ssm:', ...account, ':parameter/gateway/keys') },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalIds(template, 'AWS::KMS::Key')[0], 'Arn'] } },
      { Sid: 'ReadKeySecrets', Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: cfnArn(':secretsmanager:', ...account, ':secret:', { Ref: 'KeySecretsNamePrefix' }, '*') },
    ]);
  });

  test.each([
    [() => KeysDocument.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:keys'),
      'keysDocument: KeysDocument.fromSecretArn needs the complete secret ARN; received "arn:aws:secretsmanager:us-east-1:123456789012:secret:keys"; '
      + 'copy the full ARN (ending in "-" plus 6 characters) from the Secrets Manager console or pass the secret with KeysDocument.fromSecret()'],
    [() => KeysDocument.fromSsmParameterName('my keys'),
      'keysDocument: KeysDocument.fromSsmParameterName needs a valid parameter name; received "my keys"; use letters, digits and "_.-/", e.g. "/bedrock-gateway/api-key"'],
    [() => KeysDocument.fromSecretArn(SECRET_ARN, { keySecretsNamePrefix: '' }),
      'keysDocument: keySecretsNamePrefix: must be a non-empty name prefix of letters, digits and "/_+=.@-"; received ""; '
      + 'name the folder-like prefix the per-key names share, e.g. "bedrock-gateway/keys/"; an empty prefix would grant every one in the account'],
    [() => KeysDocument.fromSecretArn(SECRET_ARN, { keyParametersPath: '/' }),
      'keysDocument: keyParametersPath: must be a non-empty name prefix of letters, digits and "/_+=.@-"; received "/"; '
      + 'name the folder-like prefix the per-key names share, e.g. "bedrock-gateway/keys/"; an empty prefix would grant every one in the account'],
  ])('an invalid keys document fails at construction (%#)', (document, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { keysDocument: document() })).toThrow(message);
  });
});
