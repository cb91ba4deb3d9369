import { createHash } from 'node:crypto';
import { Aws, Fn } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';
import { modelSourceArn } from './bedrock-policy';

/** Tag that names the key on its inference profiles: activate it as a cost allocation tag to see spend per key. */
export const KEY_NAME_TAG = 'bedrock-access-gateway:key';

/**
 * One application inference profile per model of a key, tagged with the key's name, so Cost Explorer
 * shows Bedrock spend per key. Returns model id → profile ARN, as the keys document's `inferenceProfiles`.
 */
export function createKeyInferenceProfiles(scope: Construct, keyName: string, models: string[]): { [modelId: string]: string } {
  return Object.fromEntries(models.map((model, index) => {
    const profile = new bedrock.CfnApplicationInferenceProfile(scope, `InferenceProfile${index}`, {
      inferenceProfileName: profileName(keyName, model),
      description: profileDescription(keyName, model),
      modelSource: { copyFrom: modelSourceArn(model) },
      tags: [{ key: KEY_NAME_TAG, value: keyName }],
    });
    return [model, profile.attrInferenceProfileArn];
  }));
}

/** A description in the characters Bedrock allows (letters, digits, ":" and "." with single " ", "_" or "-" between). */
function profileDescription(keyName: string, model: string): string {
  return `Bedrock Access Gateway key ${keyName} model ${model}`.replace(/[^0-9A-Za-z:. _-]+/g, ' ').replace(/([ _-])[ _-]+/g, '$1').slice(0, 200).trim();
}

/**
 * A profile name unique in the account and region (at most 64 characters of `[0-9a-zA-Z]` joined by
 * single "-"): readable key and model, a hash of both (distinct after truncation), and the first group
 * of the stack's UUID (the same template launched twice gets distinct names).
 */
function profileName(keyName: string, model: string): string {
  const readable = `${keyName}-${model}`.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 48).replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(`${keyName}\n${model}`).digest('hex').slice(0, 6);
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return `${readable}-${hash}-${Fn.select(0, Fn.split('-', stackUuid))}`;
}
