import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeGeneratedSecretRotation } from './nag';
import { propError } from './validation';

/** JSON field of the secret that holds the key unless told otherwise. */
const DEFAULT_SECRET_FIELD = 'api_key';

/** What an API key source hands to the gateway once bound. */
export interface ApiKeyBinding {
  /** Environment variables that tell the proxy where to read the key. */
  readonly environment: { [key: string]: string };
  /** The secret holding the key, when the key lives in Secrets Manager. */
  readonly secret?: secretsmanager.ISecret;
  /** The SSM parameter name holding the key, when the key lives in Parameter Store. */
  readonly parameterName?: string;
  /** Gives the compute read access to exactly this key and nothing else. */
  readonly grantRead: (grantee: iam.IGrantable) => void;
  /** Where the key lives, as the fields of a keys-document entry: `secretArn` (+ `secretField`) or `parameterName`. */
  readonly documentEntry: { [field: string]: string };
  /** The service the proxy calls to read the key (a VPC endpoint for it lets private compute reach it). */
  readonly endpointService: ec2.InterfaceVpcEndpointAwsService;
}

/** What a source is bound for: the prop and class named in errors, the construct id and the description of a generated secret. */
export interface KeySourceUsage {
  readonly prop: string;
  readonly sourceClass: string;
  readonly id: string;
  readonly description: string;
}

/** The gateway's single API key (the `apiKey` prop). */
const SINGLE_KEY: KeySourceUsage = {
  prop: 'apiKey',
  sourceClass: 'ApiKeySource',
  id: 'ApiKeySecret',
  description: `API key of the Bedrock Access Gateway (JSON field "${DEFAULT_SECRET_FIELD}")`,
};

/**
 * Where the gateway reads the API key that clients send as `Authorization: Bearer <key>`.
 *
 * There is never a built-in default key: the default generates a random one in Secrets Manager.
 */
export abstract class ApiKeySource {
  /**
   * A new Secrets Manager secret holding a random 48-character alphanumeric key
   * as JSON `{"api_key": "..."}`. Read it from the secret after deployment.
   */
  public static generate(): ApiKeySource {
    return new GeneratedSecretKey();
  }

  /**
   * An existing Secrets Manager secret whose JSON value holds the key in `field`.
   *
   * If the secret is encrypted with a customer managed KMS key, import it with that key
   * (`Secret.fromSecretAttributes(..., { encryptionKey })`) so the gateway may decrypt it.
   *
   * @param secret the secret holding the key
   * @param field the JSON field of the secret value that holds the key; default `api_key`
   */
  public static fromSecret(secret: secretsmanager.ISecret, field?: string): ApiKeySource {
    return new ExistingSecretKey({ secret }, field);
  }

  /**
   * An existing Secrets Manager secret, by its complete ARN (with the 6-character suffix),
   * whose JSON value holds the key in `field`. The ARN may be a token (e.g. a CfnParameter).
   *
   * @param secretArn the complete ARN of the secret
   * @param field the JSON field of the secret value that holds the key; default `api_key`
   */
  public static fromSecretArn(secretArn: string, field?: string): ApiKeySource {
    return new ExistingSecretKey({ secretArn }, field);
  }

  /**
   * An SSM parameter (SecureString or String) whose value is the key. Plain (`ApiKey`) and
   * hierarchical (`/gateway/api-key`) names both work; the name may be a token.
   *
   * A SecureString encrypted with the AWS managed key `aws/ssm` needs no KMS permission
   * (that key's policy allows use through SSM in this account). For a customer managed key,
   * pass it as `encryptionKey` and the gateway gets `kms:Decrypt` on that key only.
   *
   * @param parameterName the parameter's name
   * @param encryptionKey the customer managed KMS key of a SecureString parameter; default: none needed (`aws/ssm`)
   */
  public static fromSsmParameterName(parameterName: string, encryptionKey?: kms.IKey): ApiKeySource {
    return new SsmParameterKey(parameterName, encryptionKey);
  }

  /**
   * Creates what the source needs under `scope` and says how the proxy finds the key.
   * @internal
   */
  public abstract _bind(scope: Construct, usage?: KeySourceUsage): ApiKeyBinding;
}

class GeneratedSecretKey extends ApiKeySource {
  public _bind(scope: Construct, usage: KeySourceUsage = SINGLE_KEY): ApiKeyBinding {
    const secret = new secretsmanager.Secret(scope, usage.id, {
      description: usage.description,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: DEFAULT_SECRET_FIELD,
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    acknowledgeGeneratedSecretRotation(secret);
    return secretBinding(secret, DEFAULT_SECRET_FIELD);
  }
}

class ExistingSecretKey extends ApiKeySource {
  constructor(
    private readonly ref: { readonly secret?: secretsmanager.ISecret; readonly secretArn?: string },
    private readonly field: string = DEFAULT_SECRET_FIELD,
  ) {
    super();
  }

  public _bind(scope: Construct, usage: KeySourceUsage = SINGLE_KEY): ApiKeyBinding {
    if (!Token.isUnresolved(this.field) && this.field.trim() === '') {
      throw propError(usage.prop, 'the secret field must not be empty', `"${this.field}"`,
        `omit the field to use "${DEFAULT_SECRET_FIELD}" or name the JSON field that holds the key`);
    }
    return secretBinding(this.ref.secret ?? importSecret(scope, this.ref.secretArn!, usage), this.field);
  }
}

function importSecret(scope: Construct, secretArn: string, usage: KeySourceUsage): secretsmanager.ISecret {
  if (!Token.isUnresolved(secretArn) && !/^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(secretArn)) {
    throw propError(usage.prop, `${usage.sourceClass}.fromSecretArn needs the complete secret ARN`, `"${secretArn}"`,
      `copy the full ARN (ending in "-" plus 6 characters) from the Secrets Manager console or pass the secret with ${usage.sourceClass}.fromSecret()`);
  }
  return secretsmanager.Secret.fromSecretAttributes(scope, usage.id, { secretCompleteArn: secretArn });
}

function secretBinding(secret: secretsmanager.ISecret, field: string): ApiKeyBinding {
  return {
    environment: {
      API_KEY_SECRET_ARN: secret.secretArn,
      ...(field === DEFAULT_SECRET_FIELD ? {} : { API_KEY_SECRET_FIELD: field }),
    },
    secret,
    endpointService: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    // GetSecretValue + DescribeSecret on this secret (suffix-wildcarded when known only by name), plus its KMS key.
    grantRead: (grantee) => { secret.grantRead(grantee); },
    documentEntry: { secretArn: secret.secretArn, ...(field === DEFAULT_SECRET_FIELD ? {} : { secretField: field }) },
  };
}

class SsmParameterKey extends ApiKeySource {
  constructor(private readonly parameterName: string, private readonly encryptionKey?: kms.IKey) {
    super();
  }

  public _bind(scope: Construct, usage: KeySourceUsage = SINGLE_KEY): ApiKeyBinding {
    const name = this.parameterName;
    if (!Token.isUnresolved(name) && !/^\/?[A-Za-z0-9_.\-/]+$/.test(name)) {
      throw propError(usage.prop, `${usage.sourceClass}.fromSsmParameterName needs a valid parameter name`, `"${name}"`,
        'use letters, digits and "_.-/", e.g. "/bedrock-gateway/api-key"');
    }
    const resources = parameterArns(Stack.of(scope), name);
    return {
      environment: { API_KEY_PARAM_NAME: name },
      parameterName: name,
      endpointService: ec2.InterfaceVpcEndpointAwsService.SSM,
      grantRead: (grantee) => {
        grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources,
        }));
        this.encryptionKey?.grantDecrypt(grantee);
      },
      documentEntry: { parameterName: name },
    };
  }
}

/**
 * The ARN of parameter `name`: `parameter/<name>` without doubling a leading "/".
 * A token name may or may not start with "/", and CloudFormation cannot test that,
 * so both spellings are granted; the one that does not apply names no parameter.
 */
function parameterArns(stack: Stack, name: string): string[] {
  const arn = (resourceName: string) => Arn.format({
    service: 'ssm',
    resource: 'parameter',
    resourceName,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  }, stack);
  if (!Token.isUnresolved(name)) {
    return [arn(name.replace(/^\//, ''))];
  }
  return [
    arn(name),
    Arn.format({ service: 'ssm', resource: `parameter${name}`, arnFormat: ArnFormat.NO_RESOURCE_NAME }, stack),
  ];
}
