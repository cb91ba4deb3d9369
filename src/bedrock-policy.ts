import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { propError, validateListKnownAtSynth } from './validation';

/** Prefixes of system-defined cross-region inference profile ids, e.g. `us.anthropic.claude-…`. */
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\.(.+)$/;

/** How ARNs spell partition, region and account: CloudFormation pseudo parameters, or cdk-nag's rendering of them. */
interface ArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

const CLOUDFORMATION: ArnParts = { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID };
const NAG: ArnParts = { partition: '<AWS::Partition>', region: '<AWS::Region>', account: '<AWS::AccountId>' };

/**
 * The gateway's Bedrock permissions: invoke (plain and streaming) on foundation models and
 * inference profiles, optionally narrowed to `allowedModels`, plus listing models and profiles (the model catalog).
 * `profileArns` are the gateway's own application inference profiles: granted by name when the models are
 * narrowed (without `allowedModels` every application inference profile of the account is allowed anyway).
 */
export function bedrockPolicyStatements(allowedModels?: string[], profileArns: string[] = []): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'InvokeModels',
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: [...invokeResources(CLOUDFORMATION, allowedModels), ...(allowedModels ? profileArns : [])],
    }),
    new iam.PolicyStatement({
      sid: 'ListModels',
      // These list actions do not support resource-level permissions.
      actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'],
      resources: ['*'],
    }),
  ];
}

/** The wildcard resources of those statements, as cdk-nag's IAM5 finding suffixes (`Resource::…`). */
export function bedrockWildcardFindings(allowedModels?: string[]): string[] {
  const resources = [...invokeResources(NAG, allowedModels), '*'];
  return [...new Set(resources.filter((resource) => resource.includes('*')))].map((resource) => `Resource::${resource}`);
}

/** Checks `allowedModels` as given by the user: a non-empty list of non-empty ids known at synth. */
export function validateAllowedModels(allowedModels: string[] | undefined): void {
  validateListKnownAtSynth('allowedModels', allowedModels, {
    token: 'list the model ids literally (single entries may be tokens) or omit allowedModels to allow every model',
    empty: 'list at least one model id, or omit allowedModels to allow every model',
  });
  for (const id of allowedModels ?? []) {
    if (!Token.isUnresolved(id) && id.trim() === '') {
      throw propError('allowedModels', 'model ids must not be empty', `"${id}"`, 'remove the empty entry');
    }
    if (!Token.isUnresolved(id) && /\s/.test(id.trim())) {
      throw propError('allowedModels', 'entries must be model ids, inference profile ids or ARNs, which hold no blanks', `"${id}"`,
        'copy the id from the Bedrock console or `aws bedrock list-foundation-models`');
    }
  }
}

/**
 * What an application inference profile for model `id` copies from: the system-defined cross-region
 * profile for a profile id, the foundation model in this region for a model id, an ARN as is.
 */
export function modelSourceArn(id: string): string {
  if (!Token.isUnresolved(id)) {
    if (id.startsWith('arn:')) return id;
    if (PROFILE_PREFIX.test(id)) return `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:inference-profile/${id}`;
  }
  return foundationModelArn(CLOUDFORMATION, Aws.REGION, id);
}

function invokeResources(arn: ArnParts, allowedModels?: string[]): string[] {
  if (!allowedModels) {
    // Cross-region profiles route to the foundation model in other regions, so any region; global ones name it without a region.
    return [foundationModelArn(arn, '*', '*'), foundationModelArn(arn, '', '*'), ...profileWildcards(arn)];
  }
  return allowedModels.flatMap((id) => modelResources(arn, id));
}

function profileWildcards(arn: ArnParts): string[] {
  return [
    `arn:${arn.partition}:bedrock:${arn.region}:${arn.account}:inference-profile/*`,
    `arn:${arn.partition}:bedrock:${arn.region}:${arn.account}:application-inference-profile/*`,
  ];
}

/**
 * IAM resources for one allowed model: a model id (or token) → that foundation model in this region;
 * a cross-region profile id → the profile in this region plus its foundation model in any region
 * (the profile routes requests to other regions) and, for a global profile, the region-less foundation-model
 * ARN that Bedrock authorizes global requests against; an ARN (e.g. an application inference profile) → as is.
 */
function modelResources(arn: ArnParts, id: string): string[] {
  if (!Token.isUnresolved(id)) {
    if (id.startsWith('arn:')) return [id];
    const profile = PROFILE_PREFIX.exec(id);
    if (profile) {
      return [
        `arn:${arn.partition}:bedrock:${arn.region}:${arn.account}:inference-profile/${id}`,
        foundationModelArn(arn, '*', profile[2]),
        ...(profile[1] === 'global' ? [foundationModelArn(arn, '', profile[2])] : []),
      ];
    }
  }
  return [foundationModelArn(arn, arn.region, id)];
}

function foundationModelArn(arn: ArnParts, region: string, modelId: string): string {
  return `arn:${arn.partition}:bedrock:${region}::foundation-model/${modelId}`;
}
