import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiKeyBinding, ApiKeySource } from './api-key-source';
import { GatewayKey, KeyLimits } from './gateway-key';
import { createKeyInferenceProfiles } from './key-inference-profiles';
import { KeysBinding, KeysDocument } from './keys-document';
import { propError } from './validation';

/** A key name: it becomes a construct id, a metric dimension and part of inference profile names. */
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const LIMIT_FIELDS: ReadonlyArray<keyof KeyLimits> = ['requestsPerMinute', 'tokensPerMinute', 'tokensPerMonth', 'maxConcurrentRequests'];

/** The key settings of the gateway's props. */
export interface KeySettings {
  readonly apiKey?: ApiKeySource;
  readonly keys?: GatewayKey[];
  readonly keysDocument?: KeysDocument;
  readonly costAttribution?: boolean;
  readonly allowedModels?: string[];
}

/** The gateway's keys once bound: where the proxy reads them, and the secrets the construct created or was given. */
export interface BoundKeys extends KeysBinding {
  /** The single key's secret or parameter (the `apiKey` prop). */
  readonly single?: ApiKeyBinding;
  /** The secret of each named key (the `keys` prop) whose value lives in Secrets Manager. */
  readonly secrets: { [name: string]: secretsmanager.ISecret };
}

/**
 * Binds whichever of `apiKey`, `keys` and `keysDocument` is set (a generated single key when none is):
 * exactly one may be.
 */
export function bindKeys(scope: Construct, settings: KeySettings): BoundKeys {
  const given = (['apiKey', 'keys', 'keysDocument'] as const).filter((prop) => settings[prop] !== undefined);
  if (given.length > 1) {
    throw propError(given.join(', '), 'only one key source may be set', given.join(' and '),
      'use apiKey for one key, keys for named keys declared here, or keysDocument for keys managed at runtime');
  }
  if (settings.costAttribution && !settings.keys) {
    throw propError('costAttribution', 'needs keys that list their models', settings.keysDocument ? 'keysDocument' : 'a single key',
      'declare the keys with the keys prop and give each its models, or omit costAttribution');
  }
  if (settings.keysDocument) return { ...settings.keysDocument._bind(scope), secrets: {} };
  if (settings.keys) return bindDeclaredKeys(scope, settings.keys, settings);
  const single = (settings.apiKey ?? ApiKeySource.generate())._bind(scope);
  return {
    environment: single.environment,
    grantRead: (role) => single.grantRead(role),
    hasLimits: false,
    hasMonthlyBudgets: false,
    inferenceProfileArns: [],
    single,
    secrets: {},
  };
}

/**
 * Keys declared in CDK: each key's value is bound under `Keys/<name>` (a generated secret by default),
 * and the proxy gets them as `API_KEYS_DOCUMENT`, whose entries reference the secrets and parameters
 * (never a key value). With `costAttribution`, each key's models get their own inference profiles.
 */
function bindDeclaredKeys(scope: Construct, keys: GatewayKey[], settings: KeySettings): BoundKeys {
  validateKeys(keys, settings);
  const container = new Construct(scope, 'Keys');
  const profileArns: string[] = [];
  const bound = keys.map((key, index) => {
    const keyScope = new Construct(container, key.name);
    const value = (key.value ?? ApiKeySource.generate())._bind(keyScope, {
      prop: `keys[${index}].value`,
      sourceClass: 'ApiKeySource',
      id: 'Secret',
      description: `API key "${key.name}" of the Bedrock Access Gateway (JSON field "api_key")`,
    });
    if (!key.value && value.secret) {
      new CfnOutput(scope, `KeySecretArn-${key.name}`, {
        description: `Secrets Manager secret holding the API key "${key.name}"`,
        value: value.secret.secretArn,
      });
    }
    const profiles = settings.costAttribution && key.models ? createKeyInferenceProfiles(keyScope, key.name, key.models) : undefined;
    profileArns.push(...Object.values(profiles ?? {}));
    return { key, value, profiles };
  });
  const document = {
    keys: bound.map(({ key, value, profiles }) => ({
      name: key.name,
      ...value.documentEntry,
      ...(key.models ? { models: key.models } : {}),
      ...(key.limits ? { limits: Object.fromEntries(LIMIT_FIELDS.filter((f) => key.limits![f] !== undefined).map((f) => [f, key.limits![f]])) } : {}),
      ...(key.disabled ? { disabled: true } : {}),
      ...(profiles ? { inferenceProfiles: profiles } : {}),
    })),
  };
  return {
    environment: { API_KEYS_DOCUMENT: Stack.of(scope).toJsonString(document) },
    grantRead: (role) => bound.forEach(({ value }) => value.grantRead(role)),
    hasLimits: keys.some((key) => key.limits !== undefined),
    hasMonthlyBudgets: keys.some((key) => key.limits?.tokensPerMonth !== undefined),
    inferenceProfileArns: profileArns,
    secrets: Object.fromEntries(bound.filter(({ value }) => value.secret).map(({ key, value }) => [key.name, value.secret!])),
  };
}

function validateKeys(keys: GatewayKey[], settings: KeySettings): void {
  if (Token.isUnresolved(keys) || keys.length === 0) {
    throw propError('keys', 'must list at least one key, known at synth', Token.isUnresolved(keys) ? 'a list token' : '[]',
      'declare each key as { name, value?, models?, limits? }, or use keysDocument for keys managed at runtime');
  }
  const seen = new Set<string>();
  keys.forEach((key, index) => {
    const at = `keys[${index}]`;
    if (Token.isUnresolved(key.name) || !KEY_NAME.test(key.name)) {
      throw propError(`${at}.name`, 'must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit, known at synth',
        `"${key.name}"`, 'name the key after its team or use, e.g. "search-team"');
    }
    if (seen.has(key.name)) {
      throw propError(`${at}.name`, 'must be unique among the keys', `"${key.name}" a second time`, 'give each key its own name');
    }
    seen.add(key.name);
    validateModels(at, key.models, settings.allowedModels);
    validateLimits(at, key.limits);
  });
  if (settings.costAttribution && !keys.some((key) => key.models)) {
    throw propError('costAttribution', 'needs keys that list their models', 'no key with models',
      'give the keys whose spend you want to see their models, or omit costAttribution');
  }
}

function validateModels(at: string, models: string[] | undefined, allowedModels: string[] | undefined): void {
  if (models === undefined) return;
  if (Token.isUnresolved(models) || models.length === 0) {
    throw propError(`${at}.models`, 'must list at least one model id, known at synth', Token.isUnresolved(models) ? 'a list token' : '[]',
      'list the Bedrock model ids the key may use, or omit models to allow every model');
  }
  for (const model of models) {
    if (Token.isUnresolved(model) || model.trim() === '') {
      throw propError(`${at}.models`, 'entries must be Bedrock model ids known at synth', Token.isUnresolved(model) ? 'a token' : `"${model}"`,
        'write the model ids literally, e.g. "anthropic.claude-3-haiku-20240307-v1:0"');
    }
    if (allowedModels && !allowedModels.some((id) => Token.isUnresolved(id)) && !allowedModels.includes(model)) {
      throw propError(`${at}.models`, 'must be among allowedModels, or the gateway may not invoke it', `"${model}"`,
        `add "${model}" to allowedModels or remove it from the key's models`);
    }
  }
}

function validateLimits(at: string, limits: KeyLimits | undefined): void {
  if (limits === undefined) return;
  const set = LIMIT_FIELDS.filter((field) => limits[field] !== undefined);
  if (set.length === 0) {
    throw propError(`${at}.limits`, 'must set at least one limit', '{}', `set any of ${LIMIT_FIELDS.join(', ')}, or omit limits`);
  }
  for (const field of set) {
    const value = limits[field]!;
    if (Token.isUnresolved(value) || !Number.isSafeInteger(value) || value < 1) {
      throw propError(`${at}.limits.${field}`, 'must be a positive integer known at synth', String(value), 'set a whole number of at least 1, or omit it');
    }
  }
}
