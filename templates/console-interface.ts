import { CfnParameter, Stack } from 'aws-cdk-lib';

/** Console form sections, in order, with the label of each parameter. */
const GROUPS: ReadonlyArray<{ readonly label: string; readonly parameters: { readonly [logicalId: string]: string } }> = [
  {
    label: 'API key (create it first)',
    parameters: {
      ApiKeySecretArn: 'Secrets Manager secret ARN',
      ApiKeyParameterName: 'SSM SecureString parameter name',
      KeysDocumentSecretArn: 'Keys document secret ARN',
      KeySecretsNamePrefix: 'Name prefix of per-key secrets',
    },
  },
  {
    label: 'Models',
    parameters: {
      DefaultModel: 'Default chat model',
      DefaultEmbeddingModel: 'Default embedding model',
    },
  },
  {
    label: 'Existing network',
    parameters: {
      VpcId: 'VPC',
      LoadBalancerSubnetIds: 'Load balancer subnets',
      ComputeSubnetIds: 'Task subnets',
      AssignPublicIp: 'Public IP for tasks',
    },
  },
  {
    label: 'Load balancer',
    parameters: {
      LoadBalancerScheme: 'Scheme',
      AllowedIngressCidr: 'Allowed client CIDR',
      CertificateArn: 'ACM certificate ARN (optional, enables HTTPS)',
    },
  },
  {
    label: 'Gateway code',
    parameters: {
      ContainerImageUri: 'Container image URI (linux/arm64)',
      AssetBucketPrefix: 'Code bucket prefix',
    },
  },
];

/**
 * The `AWS::CloudFormation::Interface` metadata for the stack's parameters: sections and labels
 * for those present. A parameter without a section is an error, so none is left unlabelled.
 */
export function consoleInterface(stack: Stack): object {
  const present = new Set(stack.node.children
    .filter((c): c is CfnParameter => c instanceof CfnParameter)
    .map((p) => stack.resolve(p.logicalId) as string));
  const known = new Set(GROUPS.flatMap((g) => Object.keys(g.parameters)));
  const unknown = [...present].filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`parameters without a console section: ${unknown.join(', ')}`);

  const groups = GROUPS
    .map((g) => ({ label: g.label, ids: Object.keys(g.parameters).filter((id) => present.has(id)) }))
    .filter((g) => g.ids.length > 0);
  return {
    ParameterGroups: groups.map((g) => ({ Label: { default: g.label }, Parameters: g.ids })),
    ParameterLabels: Object.fromEntries(GROUPS.flatMap((g) => Object.entries(g.parameters))
      .filter(([id]) => present.has(id))
      .map(([id, label]) => [id, { default: label }])),
  };
}
