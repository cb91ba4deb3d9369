import { CfnParameter, Stack } from 'aws-cdk-lib';
import { TemplateVariant } from './variants';

/** Defaults baked into the templates at synthesis. */
export interface ParameterDefaults {
  readonly defaultModel: string;
  readonly defaultEmbeddingModel: string;
  /** Image URI pre-filled in the Fargate templates; none means the user must enter one. */
  readonly imageUri?: string;
}

/** The parameters of one template; those a variant does not use are absent. */
export interface TemplateParameters {
  readonly apiKeySecretArn?: CfnParameter;
  readonly apiKeyParameterName?: CfnParameter;
  readonly keysDocumentSecretArn?: CfnParameter;
  readonly keySecretsNamePrefix?: CfnParameter;
  readonly defaultModel: CfnParameter;
  readonly defaultEmbeddingModel: CfnParameter;
  /** Absent behind API Gateway, and in a private VPC, whose load balancer is internal. */
  readonly loadBalancerScheme?: CfnParameter;
  /** Absent behind API Gateway, as is the certificate. */
  readonly allowedIngressCidr?: CfnParameter;
  readonly certificateArn?: CfnParameter;
  readonly vpcId?: CfnParameter;
  readonly loadBalancerSubnetIds?: CfnParameter;
  readonly computeSubnetIds?: CfnParameter;
  readonly assignPublicIp?: CfnParameter;
  readonly containerImageUri?: CfnParameter;
}

/** The complete ARN of a Secrets Manager secret (with its 6-character suffix). */
const SECRET_ARN = '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$';

/** Model ids and inference profile ids or ARNs: no blanks, at least one character. */
const MODEL_ID = '^[A-Za-z0-9][A-Za-z0-9._:/-]*$';
const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/** Declares the parameters the variant needs, with the constraints CloudFormation checks before creating anything. */
export function declareParameters(stack: Stack, variant: TemplateVariant, defaults: ParameterDefaults): TemplateParameters {
  const existingVpc = variant.network === 'existing-vpc';
  const loadBalancer = variant.frontDoor === 'load-balancer';
  return {
    apiKeySecretArn: variant.apiKey === 'secret' ? new CfnParameter(stack, 'ApiKeySecretArn', {
      type: 'String',
      description: 'Complete ARN of the Secrets Manager secret whose JSON value holds the key in the field "api_key", e.g. {"api_key":"<your key>"}.',
      allowedPattern: SECRET_ARN,
      constraintDescription: 'must be the complete ARN of a secret, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:bedrock-gateway-key-AbCdEf (copy it from the Secrets Manager console)',
    }) : undefined,
    keysDocumentSecretArn: variant.apiKey === 'keys' ? new CfnParameter(stack, 'KeysDocumentSecretArn', {
      type: 'String',
      description: 'Complete ARN of the Secrets Manager secret whose value is the keys document, e.g. {"keys":[{"name":"search-team","secretArn":"...","models":["..."],"limits":{"requestsPerMinute":60}}]}. Edits take effect within a minute, without an update of the stack.',
      allowedPattern: SECRET_ARN,
      constraintDescription: 'must be the complete ARN of a secret, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:bedrock-gateway-keys-AbCdEf (copy it from the Secrets Manager console)',
    }) : undefined,
    keySecretsNamePrefix: variant.apiKey === 'keys' ? new CfnParameter(stack, 'KeySecretsNamePrefix', {
      type: 'String',
      description: 'Name prefix of the per-key secrets the keys document references with "secretArn": the gateway may read the secrets whose names start with it, and no others.',
      default: 'bedrock-gateway/keys/',
      minLength: 1,
      maxLength: 256,
      allowedPattern: '^[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]*$',
      constraintDescription: 'must be a secret name prefix of letters, digits and "/_+=.@-" that does not start with "/", e.g. bedrock-gateway/keys/',
    }) : undefined,
    apiKeyParameterName: variant.apiKey === 'ssm' ? new CfnParameter(stack, 'ApiKeyParameterName', {
      type: 'String',
      description: 'Name of the SSM SecureString parameter whose value is the key, e.g. /bedrock-gateway/api-key.',
      minLength: 1,
      maxLength: 1011,
      allowedPattern: '^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$',
      constraintDescription: 'must be a parameter name of letters, digits and "_.-", with "/" between path parts, e.g. /bedrock-gateway/api-key',
    }) : undefined,
    defaultModel: new CfnParameter(stack, 'DefaultModel', {
      type: 'String',
      description: 'Bedrock model or inference profile used for "gpt-*" model names and requests that name no model.',
      default: defaults.defaultModel,
      allowedPattern: MODEL_ID,
      constraintDescription: 'must be a Bedrock model id, inference profile id or ARN, without spaces, e.g. global.anthropic.claude-sonnet-4-6',
    }),
    defaultEmbeddingModel: new CfnParameter(stack, 'DefaultEmbeddingModel', {
      type: 'String',
      description: 'Bedrock embedding model used for "text-embedding-*" model names.',
      default: defaults.defaultEmbeddingModel,
      allowedPattern: MODEL_ID,
      constraintDescription: 'must be a Bedrock embedding model id without spaces, e.g. amazon.titan-embed-text-v2:0',
    }),
    loadBalancerScheme: loadBalancer && variant.network !== 'private-vpc' ? new CfnParameter(stack, 'LoadBalancerScheme', {
      type: 'String',
      description: existingVpc
        ? 'internet-facing: reachable from the internet (load balancer subnets must be public); internal: reachable only from inside the VPC and connected networks.'
        : 'internet-facing: reachable from the internet; internal: reachable only from inside the VPC and connected networks.',
      default: 'internet-facing',
      allowedValues: ['internet-facing', 'internal'],
    }) : undefined,
    allowedIngressCidr: loadBalancer ? new CfnParameter(stack, 'AllowedIngressCidr', {
      type: 'String',
      description: 'IPv4 range allowed to reach the load balancer. Every request still needs the API key.',
      default: '0.0.0.0/0',
      allowedPattern: `^(${IPV4_OCTET}\\.){3}${IPV4_OCTET}/(3[0-2]|[12]?[0-9])$`,
      constraintDescription: 'must be an IPv4 CIDR range such as 10.0.0.0/8 or 0.0.0.0/0',
    }) : undefined,
    certificateArn: loadBalancer ? new CfnParameter(stack, 'CertificateArn', {
      type: 'String',
      description: 'Optional ACM certificate ARN in this region. Set: HTTPS on port 443. Empty: HTTP on port 80.',
      default: '',
      allowedPattern: '^(arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+)?$',
      constraintDescription: 'must be empty or an ACM certificate ARN, e.g. arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-...',
    }) : undefined,
    vpcId: existingVpc ? new CfnParameter(stack, 'VpcId', {
      type: 'AWS::EC2::VPC::Id',
      description: 'The existing VPC to deploy into.',
    }) : undefined,
    loadBalancerSubnetIds: existingVpc ? new CfnParameter(stack, 'LoadBalancerSubnetIds', {
      type: 'List<AWS::EC2::Subnet::Id>',
      description: 'At least two subnets of that VPC in different Availability Zones for the load balancer (public subnets for internet-facing).',
    }) : undefined,
    computeSubnetIds: existingVpc && variant.compute === 'fargate' ? new CfnParameter(stack, 'ComputeSubnetIds', {
      type: 'List<AWS::EC2::Subnet::Id>',
      description: 'Subnets of that VPC for the tasks. They need a route to Amazon Bedrock, ECR and CloudWatch Logs (NAT gateway or VPC endpoints).',
    }) : undefined,
    assignPublicIp: existingVpc && variant.compute === 'fargate' ? new CfnParameter(stack, 'AssignPublicIp', {
      type: 'String',
      description: 'ENABLED when the task subnets are public subnets without a NAT gateway (e.g. a default VPC): the tasks then reach Bedrock and ECR through a public IP. Inbound traffic still comes only from the load balancer.',
      default: 'DISABLED',
      allowedValues: ['DISABLED', 'ENABLED'],
    }) : undefined,
    containerImageUri: variant.compute === 'fargate' ? new CfnParameter(stack, 'ContainerImageUri', {
      type: 'String',
      description: 'URI of the linux/arm64 gateway image (see "Build the container image" in the README), e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/bedrock-access-gateway:1.0.0.',
      ...(defaults.imageUri ? { default: defaults.imageUri } : {}),
      allowedPattern: '^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$',
      constraintDescription: 'must be a container image URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/bedrock-access-gateway:1.0.0 or one pinned by @sha256 digest',
    }) : undefined,
  };
}
