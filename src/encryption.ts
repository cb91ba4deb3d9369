import { ArnFormat, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';

/**
 * How the gateway encrypts what it stores at rest: its log groups (proxy, VPC flow logs), the generated
 * API key secret and its tables. AWS encrypts all of them in any case; a customer managed key adds
 * control over the key (its policy, rotation, disabling it) and a CloudTrail record of every use.
 */
export abstract class GatewayEncryption {
  /**
   * Keys AWS manages: CloudWatch Logs' own encryption, `aws/secretsmanager` for the secret.
   */
  public static awsManaged(): GatewayEncryption {
    return new AwsManagedEncryption();
  }

  /**
   * A new customer managed KMS key with yearly rotation, whose key policy lets CloudWatch Logs in this
   * account and region use it for log groups. The key is retained when the stack is deleted.
   */
  public static customerManagedKey(): GatewayEncryption {
    return new NewKeyEncryption();
  }

  /**
   * A customer managed KMS key you already have. Its key policy must let CloudWatch Logs
   * (`logs.<region>.amazonaws.com`) use it for this account's log groups; the construct adds that
   * statement itself only to a key defined in the same app (`new kms.Key`).
   *
   * @param key the key
   */
  public static fromKey(key: kms.IKey): GatewayEncryption {
    return new GivenKeyEncryption(key);
  }

  /**
   * The key to encrypt with, or none for AWS managed encryption.
   * @internal
   */
  public abstract _bind(scope: Construct): kms.IKey | undefined;
}

class AwsManagedEncryption extends GatewayEncryption {
  public _bind(): kms.IKey | undefined {
    return undefined;
  }
}

class NewKeyEncryption extends GatewayEncryption {
  public _bind(scope: Construct): kms.IKey {
    const key = new kms.Key(scope, 'EncryptionKey', {
      description: 'Bedrock Access Gateway: log groups, API key secret and tables',
      enableKeyRotation: true,
    });
    allowCloudWatchLogs(key);
    return key;
  }
}

class GivenKeyEncryption extends GatewayEncryption {
  constructor(private readonly key: kms.IKey) {
    super();
  }

  public _bind(): kms.IKey {
    allowCloudWatchLogs(this.key);
    return this.key;
  }
}

/** CloudWatch Logs encrypts a log group with a customer managed key only when the key policy allows it, for log groups of this account. */
function allowCloudWatchLogs(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchLogsEncryptsGatewayLogGroups',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      },
    },
  }));
}

/**
 * Encrypts every log group and every secret under `scope` that names no key of its own with `key`,
 * including those added later by other parts of the construct (an aspect runs over the whole tree at
 * synthesis). Log group writers need no KMS permission: CloudWatch Logs uses the key itself; readers of
 * a secret need `kms:Decrypt` through Secrets Manager ({@link grantSecretDecrypt}).
 */
export function encryptAtRest(scope: IConstruct, key: kms.IKey | undefined): void {
  if (key) Aspects.of(scope).add(new KeyEncryption(key));
}

/** Lets `grantee` decrypt, through Secrets Manager only, the secrets that {@link encryptAtRest} encrypts with `key`. */
export function grantSecretDecrypt(key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  if (!key) return;
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DecryptGatewaySecrets',
    actions: ['kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(key).region}.amazonaws.com` } },
  }));
}

class KeyEncryption implements IAspect {
  constructor(private readonly key: kms.IKey) {}

  public visit(node: IConstruct): void {
    const unset = (value: string | undefined) => Stack.of(node).resolve(value) === undefined;
    if (node instanceof logs.CfnLogGroup && unset(node.kmsKeyId)) node.kmsKeyId = this.key.keyArn;
    if (node instanceof secretsmanager.CfnSecret && unset(node.kmsKeyId)) node.kmsKeyId = this.key.keyArn;
  }
}
