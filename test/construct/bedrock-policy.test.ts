import { CfnParameter } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import { cfnArn, newStack, proxyRoleStatements, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute, GatewayDefaults } from '../../src';

const REGION = { Ref: 'AWS::Region' };
const ACCOUNT = { Ref: 'AWS::AccountId' };
const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
const PROFILES = [
  cfnArn(':bedrock:', REGION, ':', ACCOUNT, ':inference-profile/*'),
  cfnArn(':bedrock:', REGION, ':', ACCOUNT, ':application-inference-profile/*'),
];
const LIST = { Action: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'], Effect: 'Allow', Resource: '*', Sid: 'ListModels' };

/** The proxy role's Bedrock statements. */
function bedrockStatements(statements: unknown[]): unknown[] {
  return statements.filter((s) => JSON.stringify(s).includes('"bedrock:'));
}

describe('BedrockAccessGateway Bedrock permissions', () => {
  const synthClean = useSynthChecks();

  test.each([
    ['Lambda', GatewayCompute.lambda()],
    ['Fargate', GatewayCompute.fargate()],
  ])('by default the %s proxy may invoke any foundation model and inference profile, and list them', (_, compute) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { compute });
    // THEN
    const template = synthClean(stack);
    expect(bedrockStatements(proxyRoleStatements(template))).toEqual([
      {
        Action: INVOKE,
        Effect: 'Allow',
        // Global profiles are authorized against the region-less foundation-model ARN.
        Resource: [cfnArn(':bedrock:*::foundation-model/*'), cfnArn(':bedrock:::foundation-model/*'), ...PROFILES],
        Sid: 'InvokeModels',
      },
      LIST,
    ]);
    // No AWS managed policy anywhere.
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('allowedModels narrows invoke to those models, cross-region profiles and ARNs', () => {
    // GIVEN
    const stack = newStack();
    const appProfile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123';
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      allowedModels: ['amazon.titan-embed-text-v2:0', 'us.anthropic.claude-sonnet-4-20250514-v1:0', appProfile],
      defaultModel: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    });
    // THEN
    const template = synthClean(stack);
    expect(bedrockStatements(proxyRoleStatements(template))).toEqual([
      {
        Action: INVOKE,
        Effect: 'Allow',
        Resource: [
          cfnArn(':bedrock:', REGION, '::foundation-model/amazon.titan-embed-text-v2:0'),
          cfnArn(':bedrock:', REGION, ':', ACCOUNT, ':inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0'),
          cfnArn(':bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0'),
          appProfile,
        ],
        Sid: 'InvokeModels',
      },
      LIST,
    ]);
  });

  test('a global profile also grants its region-less foundation-model ARN; the default models need no model props when allowed', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { allowedModels: [GatewayDefaults.CHAT_MODEL, GatewayDefaults.EMBEDDING_MODEL] });
    // THEN
    const template = synthClean(stack);
    expect(bedrockStatements(proxyRoleStatements(template))).toEqual([
      {
        Action: INVOKE,
        Effect: 'Allow',
        Resource: [
          cfnArn(':bedrock:', REGION, ':', ACCOUNT, ':inference-profile/global.anthropic.claude-sonnet-4-6'),
          cfnArn(':bedrock:*::foundation-model/anthropic.claude-sonnet-4-6'),
          cfnArn(':bedrock:::foundation-model/anthropic.claude-sonnet-4-6'),
          cfnArn(':bedrock:', REGION, '::foundation-model/amazon.titan-embed-text-v2:0'),
        ],
        Sid: 'InvokeModels',
      },
      LIST,
    ]);
  });

  test('an allowed model given as a parameter counts as a foundation model id in this region', () => {
    // GIVEN
    const stack = newStack();
    const model = new CfnParameter(stack, 'Model', { type: 'String' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { allowedModels: [model.valueAsString], defaultModel: model.valueAsString });
    // THEN
    const template = synthClean(stack);
    expect(bedrockStatements(proxyRoleStatements(template))).toEqual([
      { Action: INVOKE, Effect: 'Allow', Resource: cfnArn(':bedrock:', REGION, '::foundation-model/', { Ref: 'Model' }), Sid: 'InvokeModels' },
      LIST,
    ]);
  });

  test.each([
    [{ allowedModels: [] }, 'allowedModels: must not be empty; received []; list at least one model id, or omit allowedModels to allow every model'],
    [{ allowedModels: ['amazon.nova-pro-v1:0', ' '] }, 'allowedModels: model ids must not be empty; received " "; remove the empty entry'],
    [{ allowedModels: ['amazon.nova-pro-v1:0'], defaultModel: 'amazon.nova-lite-v1:0' },
      'defaultModel: must be one of allowedModels, or the gateway may not invoke it; received "amazon.nova-lite-v1:0"; add "amazon.nova-lite-v1:0" to allowedModels or pick one of them'],
    [{ allowedModels: ['amazon.nova-pro-v1:0'], defaultModel: 'amazon.nova-pro-v1:0', defaultEmbeddingModel: 'cohere.embed-english-v3' },
      'defaultEmbeddingModel: must be one of allowedModels, or the gateway may not invoke it; received "cohere.embed-english-v3"; add "cohere.embed-english-v3" to allowedModels or pick one of them'],
    [{ allowedModels: ['amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0'] },
      'defaultModel: is not set and its default is not one of allowedModels, so the gateway may not invoke it; received "global.anthropic.claude-sonnet-4-6"; set defaultModel to one of allowedModels, or add "global.anthropic.claude-sonnet-4-6" to them'],
    [{ allowedModels: ['amazon.nova-pro-v1:0'], defaultModel: 'amazon.nova-pro-v1:0' },
      'defaultEmbeddingModel: is not set and its default is not one of allowedModels, so the gateway may not invoke it; received "amazon.titan-embed-text-v2:0"; set defaultEmbeddingModel to one of allowedModels, or add "amazon.titan-embed-text-v2:0" to them'],
  ])('invalid props %o fail at construction', (props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props)).toThrow(message);
  });

  test('a list token for allowedModels fails: the grants must be known at synth', () => {
    // GIVEN
    const stack = newStack();
    const models = new CfnParameter(stack, 'Models', { type: 'CommaDelimitedList' });
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { allowedModels: models.valueAsList })).toThrow(
      'allowedModels: must be a list known at synth time; received a list token; list the model ids literally (single entries may be tokens) or omit allowedModels to allow every model');
  });
});
