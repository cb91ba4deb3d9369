import * as kms from 'aws-cdk-lib/aws-kms';

/** Where the per-key secrets and parameters that a runtime-managed keys document references may live. */
export interface KeysDocumentOptions {
  /**
   * Name prefix of the Secrets Manager secrets that the document's entries reference with `secretArn`
   * (e.g. `bedrock-gateway/keys/`): the gateway may read every secret whose name starts with it, and
   * no other. Those secrets must use the AWS managed key `aws/secretsmanager`.
   * @default - none: entries may not reference secrets (other than the keys document itself)
   */
  readonly keySecretsNamePrefix?: string;

  /**
   * Path of the SSM parameters that the document's entries reference with `parameterName`
   * (e.g. `/bedrock-gateway/keys/`): the gateway may read every parameter under it, and no other.
   * SecureString parameters must use the AWS managed key `aws/ssm`.
   * @default - none: entries may not reference parameters
   */
  readonly keyParametersPath?: string;
}

/** Options of a keys document kept in an SSM parameter. */
export interface KeysDocumentParameterOptions extends KeysDocumentOptions {
  /**
   * The customer managed KMS key of the SecureString parameter holding the document: the gateway
   * gets `kms:Decrypt` on it.
   * @default - none needed: the parameter uses the AWS managed key `aws/ssm` (or is a String)
   */
  readonly encryptionKey?: kms.IKey;
}
