import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiKeySource, KeySourceUsage } from './api-key-source';
import { KeysDocumentOptions, KeysDocumentParameterOptions } from './keys-document-options';
import { acknowledge, nagResource } from './nag';
import { propError } from './validation';

/** What a keys source hands to the gateway once bound. */
export interface KeysBinding {
  /** Environment variables that tell the proxy where its keys are. */
  readonly environment: { [key: string]: string };
  /** Gives the compute's role read access to exactly the key material it needs. */
  readonly grantRead: (role: iam.IRole) => void;
  /** Whether a key may have limits, so the proxy needs the limits table. */
  readonly hasLimits: boolean;
  /** Whether some key has a monthly token budget, so an alarm on it means something. */
  readonly hasMonthlyBudgets: boolean;
  /** Application inference profiles the proxy sends requests through (cost attribution). */
  readonly inferenceProfileArns: string[];
}

const DOCUMENT_USAGE: KeySourceUsage = {
  prop: 'keysDocument',
  sourceClass: 'KeysDocument',
  id: 'KeysDocument',
  description: 'Keys document of the Bedrock Access Gateway',
};

/** A secret name prefix or parameter path: letters, digits and the characters those names allow. */
const NAME_PREFIX = /^[A-Za-z0-9/_+=.@-]+$/;

/**
 * A keys document that administrators manage at runtime: a JSON document
 * (`{"keys":[{"name","key"|"secretArn"|"parameterName","models","limits","disabled"}]}`) held in a
 * Secrets Manager secret or an SSM parameter. Edits take effect within the proxy's key cache TTL,
 * with no redeployment. The construct cannot know the document's limits at synth, so it always
 * creates the limits table.
 */
export abstract class KeysDocument {
  /**
   * A Secrets Manager secret whose value is the keys document.
   *
   * @param secret the secret holding the document
   * @param options where the secrets and parameters that entries reference may live
   */
  public static fromSecret(secret: secretsmanager.ISecret, options: KeysDocumentOptions = {}): KeysDocument {
    return new SourcedKeysDocument(ApiKeySource.fromSecret(secret), options);
  }

  /**
   * A Secrets Manager secret, by its complete ARN (with the 6-character suffix), whose value is the
   * keys document. The ARN may be a token (e.g. a CfnParameter).
   *
   * @param secretArn the complete ARN of the secret
   * @param options where the secrets and parameters that entries reference may live
   */
  public static fromSecretArn(secretArn: string, options: KeysDocumentOptions = {}): KeysDocument {
    return new SourcedKeysDocument(ApiKeySource.fromSecretArn(secretArn), options);
  }

  /**
   * An SSM parameter (SecureString or String) whose value is the keys document.
   *
   * @param parameterName the parameter's name
   * @param options the parameter's customer managed key, and where the secrets and parameters that entries reference may live
   */
  public static fromSsmParameterName(parameterName: string, options: KeysDocumentParameterOptions = {}): KeysDocument {
    return new SourcedKeysDocument(ApiKeySource.fromSsmParameterName(parameterName, options.encryptionKey), options);
  }

  /**
   * Says how the proxy finds the document and what it may read.
   * @internal
   */
  public abstract _bind(scope: Construct): KeysBinding;
}

class SourcedKeysDocument extends KeysDocument {
  constructor(private readonly source: ApiKeySource, private readonly options: KeysDocumentOptions) {
    super();
  }

  public _bind(scope: Construct): KeysBinding {
    const document = this.source._bind(scope, DOCUMENT_USAGE);
    const { secretArn, parameterName } = document.documentEntry;
    const stack = Stack.of(scope);
    const prefixes = [
      prefixStatement('keySecretsNamePrefix', this.options.keySecretsNamePrefix, (prefix) => ({
        sid: 'ReadKeySecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [Arn.format({ service: 'secretsmanager', resource: 'secret', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack)],
      })),
      prefixStatement('keyParametersPath', this.options.keyParametersPath, (path) => ({
        sid: 'ReadKeyParameters',
        actions: ['ssm:GetParameter'],
        resources: [Arn.format({ service: 'ssm', resource: 'parameter', resourceName: `${path.replace(/^\//, '')}*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack)],
      })),
    ].filter((statement): statement is iam.PolicyStatement => statement !== undefined);
    return {
      environment: secretArn !== undefined ? { API_KEYS_SECRET_ARN: secretArn } : { API_KEYS_PARAM_NAME: parameterName },
      grantRead: (role) => {
        document.grantRead(role);
        for (const statement of prefixes) {
          role.addToPrincipalPolicy(statement);
          acknowledge(role, {
            id: `AwsSolutions-IAM5[Resource::${nagResource(stack, statement.resources[0])}]`,
            reason: 'The keys document is edited at runtime and names per-key secrets or parameters that do not exist at deployment: '
              + 'the gateway may read those under the prefix its deployer chose (keySecretsNamePrefix / keyParametersPath), and no others.',
          });
        }
      },
      hasLimits: true,
      hasMonthlyBudgets: true,
      inferenceProfileArns: [],
    };
  }
}

/** The statement granting read on the secrets or parameters under `prefix`, after checking it. */
function prefixStatement(prop: keyof KeysDocumentOptions, prefix: string | undefined,
  statement: (prefix: string) => { sid: string; actions: string[]; resources: string[] }): iam.PolicyStatement | undefined {
  if (prefix === undefined) return undefined;
  if (!Token.isUnresolved(prefix) && (!NAME_PREFIX.test(prefix) || prefix.replace(/\//g, '') === '')) {
    throw propError(`keysDocument: ${prop}`, 'must be a non-empty name prefix of letters, digits and "/_+=.@-"', `"${prefix}"`,
      'name the folder-like prefix the per-key names share, e.g. "bedrock-gateway/keys/"; an empty prefix would grant every one in the account');
  }
  return new iam.PolicyStatement(statement(prefix));
}
