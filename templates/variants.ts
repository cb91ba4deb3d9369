/** Where the proxy runs. */
export type ComputeKind = 'lambda' | 'fargate';
/** How clients reach the proxy. */
export type FrontDoorKind = 'load-balancer' | 'api-gateway';
/**
 * Whether the template creates its VPC, takes the ids of an existing one, creates a private VPC (no internet gateway,
 * no NAT; an internal load balancer and VPC endpoints), or needs none (the API Gateway front door).
 */
export type NetworkKind = 'new-vpc' | 'existing-vpc' | 'private-vpc' | 'no-vpc';
/**
 * Where the API key lives: a Secrets Manager secret or an SSM SecureString parameter; or `keys`: a keys
 * document (several named keys with their models and limits) in a Secrets Manager secret.
 */
export type ApiKeyKind = 'secret' | 'ssm' | 'keys';

/** One one-click template: a combination of compute, network and key store. */
export interface TemplateVariant {
  /** File name stem and stack name, e.g. `lambda-new-vpc-secret`. */
  readonly name: string;
  readonly frontDoor: FrontDoorKind;
  readonly compute: ComputeKind;
  readonly network: NetworkKind;
  readonly apiKey: ApiKeyKind;
  /** The template's Description, shown in the console. */
  readonly description: string;
}

const COMPUTE_TEXT: Record<ComputeKind, string> = { lambda: 'AWS Lambda', fargate: 'Amazon ECS on AWS Fargate' };
const NETWORK_TEXT: Record<NetworkKind, string> = {
  'new-vpc': 'in a new VPC',
  'existing-vpc': 'in an existing VPC',
  'private-vpc': 'in a new private VPC without internet access (internal load balancer, VPC endpoints)',
  'no-vpc': 'outside any VPC',
};
const KEY_TEXT: Record<ApiKeyKind, string> = {
  secret: 'the API key in a Secrets Manager secret',
  ssm: 'the API key in an SSM SecureString parameter',
  keys: 'named API keys (each with its models and limits) in a keys document kept in Secrets Manager',
};
const KEY_KINDS = ['secret', 'ssm', 'keys'] as const;

/**
 * Every template: behind a load balancer, each compute in a new, existing or private VPC; behind API Gateway, Lambda
 * with no VPC; each with the key read from either store, or (not in a private VPC) with a keys document. The key store
 * is a variant rather than a condition so each template asks only for the key it uses and grants read access to
 * exactly that resource.
 */
export const TEMPLATE_VARIANTS: readonly TemplateVariant[] = [
  ...(['lambda', 'fargate'] as const).flatMap((compute) => (['new-vpc', 'existing-vpc', 'private-vpc'] as const).flatMap((network) =>
    KEY_KINDS.map((apiKey): TemplateVariant => ({
      name: `${compute}-${network}-${apiKey}`,
      frontDoor: 'load-balancer',
      compute,
      network,
      apiKey,
      description: 'Bedrock Access Gateway: an OpenAI-compatible API for Amazon Bedrock behind an Application Load Balancer, '
        + `running on ${COMPUTE_TEXT[compute]} ${NETWORK_TEXT[network]}, with ${KEY_TEXT[apiKey]}.`,
    })),
  )),
  ...KEY_KINDS.map((apiKey): TemplateVariant => ({
    name: `api-gateway-lambda-${apiKey}`,
    frontDoor: 'api-gateway',
    compute: 'lambda',
    network: 'no-vpc',
    apiKey,
    description: 'Bedrock Access Gateway: an OpenAI-compatible API for Amazon Bedrock behind a regional Amazon API Gateway REST API '
      + `with response streaming and a Lambda authorizer, running on AWS Lambda, with ${KEY_TEXT[apiKey]}.`,
  })),
// A keys document in a private VPC (its endpoints, tables and dashboard) outgrows a CreateStack TemplateBody (51,200 bytes).
].filter((variant) => !(variant.network === 'private-vpc' && variant.apiKey === 'keys'));
