import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { referencedNames, synthesizeToTempDir, SynthesizedTemplates } from './support';
import { TEMPLATE_VARIANTS } from '../../templates/variants';
import { cfnLint, cfnLintAvailable } from '../support/cfn-lint';

let synthesized: SynthesizedTemplates;
beforeAll(() => { synthesized = synthesizeToTempDir(); });
afterAll(() => synthesized?.remove());

/** The parameters that say where the key (or the keys document) lives, per key store. */
const KEY_PARAMETERS = {
  secret: ['ApiKeySecretArn'],
  ssm: ['ApiKeyParameterName'],
  keys: ['KeysDocumentSecretArn', 'KeySecretsNamePrefix'],
};

const resourcesOfType = (name: string, type: string) =>
  Object.entries(synthesized.template(name).Resources).filter(([, r]) => r.Type === type);

// One cfn-lint run over all templates (it expands the glob itself): about 2 s instead of 2 s per template.
test.skipIf(!cfnLintAvailable)('every template passes cfn-lint with no errors', () => {
  const lint = cfnLint(join(synthesized.dir, '*.template.json'));
  expect(lint.hasErrors, lint.output).toBe(false);
});

describe.each(TEMPLATE_VARIANTS.map((v) => [v.name, v] as const))('%s', (name, variant) => {
  test('fits in a CreateStack TemplateBody (51,200 bytes), so it launches without S3 too', () => {
    expect(statSync(join(synthesized.dir, `${name}.template.json`)).size).toBeLessThanOrEqual(51_200);
  });

  test('has no unacknowledged cdk-nag finding: AwsSolutions, NIST 800-53 rev 5, HIPAA Security', () => {
    const stack = synthesized.stacks.find((s) => s.variant.name === name)!;
    const packs = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks()];
    const findings = packs.flatMap((pack) => pack.validateScope(stack).violations
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}: ${v.description}`)));
    expect(findings).toEqual([]);
  });

  test('needs no CDK bootstrap: no BootstrapVersion parameter or rule, no bootstrap bucket or role', () => {
    const template = synthesized.template(name);
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/cdk-hnb659fds|BootstrapVersion|CheckBootstrapVersion|cdk-bootstrap/i);
    expect(Object.keys(template.Parameters)).not.toContain('BootstrapVersion');
    expect(Object.keys(template.Rules ?? {})).toEqual(variant.network === 'existing-vpc' ? ['SubnetsInVpc'] : []);
  });

  test('uses every parameter in its resources, conditions or outputs', () => {
    const template = synthesized.template(name);
    const used = referencedNames([template.Resources, template.Conditions ?? {}, template.Outputs ?? {}]);
    const unused = Object.keys(template.Parameters).filter((p) => !used.has(p));
    expect(unused).toEqual([]);
  });

  test('has one output, ApiBaseUrl, under a readable name', () => {
    expect(Object.keys(synthesized.template(name).Outputs ?? {})).toEqual(['ApiBaseUrl']);
  });

  test('asks for exactly the parameters of its variant, each in a labelled console section', () => {
    const template = synthesized.template(name);
    const expected = [
      ...KEY_PARAMETERS[variant.apiKey],
      'DefaultModel', 'DefaultEmbeddingModel',
      ...(variant.frontDoor === 'load-balancer' ? ['AllowedIngressCidr', 'CertificateArn'] : []),
      ...(variant.frontDoor === 'load-balancer' && variant.network !== 'private-vpc' ? ['LoadBalancerScheme'] : []),
      ...(variant.network === 'existing-vpc' ? ['VpcId', 'LoadBalancerSubnetIds'] : []),
      ...(variant.network === 'existing-vpc' && variant.compute === 'fargate' ? ['ComputeSubnetIds', 'AssignPublicIp'] : []),
      ...(variant.compute === 'fargate' ? ['ContainerImageUri'] : ['AssetBucketPrefix']),
    ];
    expect(Object.keys(template.Parameters).sort()).toEqual(expected.sort());
    const ui = template.Metadata['AWS::CloudFormation::Interface'];
    const grouped = ui.ParameterGroups.flatMap((g: { Parameters: string[] }) => g.Parameters);
    expect(grouped.sort()).toEqual(expected.sort());
    expect(Object.keys(ui.ParameterLabels).sort()).toEqual(expected.sort());
  });

  test(variant.compute === 'lambda'
    ? 'takes the function code from <AssetBucketPrefix>-<region> at the staged zip\'s key'
    : 'runs the image named by ContainerImageUri, may pull it from the account\'s ECR repositories and has no file asset', () => {
    if (variant.compute === 'lambda') {
      const functions = resourcesOfType(name, 'AWS::Lambda::Function');
      // The proxy, and behind API Gateway its authorizer: all from the one code asset.
      expect(functions).toHaveLength(variant.frontDoor === 'api-gateway' ? 2 : 1);
      for (const [, fn] of functions) {
        expect(fn.Properties.Code).toEqual({
          S3Bucket: { 'Fn::Sub': '${AssetBucketPrefix}-${AWS::Region}' },
          S3Key: synthesized.manifest.assets[0].objectKey,
        });
      }
      expect(synthesized.template(name).Parameters.AssetBucketPrefix.Default).toBe('bedrock-access-gateway-assets');
    } else {
      const [[, task]] = resourcesOfType(name, 'AWS::ECS::TaskDefinition');
      expect(task.Properties.ContainerDefinitions[0].Image).toEqual({ Ref: 'ContainerImageUri' });
      const [[, executionPolicy]] = resourcesOfType(name, 'AWS::IAM::Policy').filter(([id]) => id.includes('ExecutionRole'));
      expect(executionPolicy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Sid: 'EcrPull',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/*']] },
        },
      ]));
      expect(JSON.stringify(synthesized.template(name))).not.toContain('AssetBucketPrefix');
    }
  });

  test(variant.apiKey === 'keys'
    ? 'keeps limit counters and stored responses in tables, reads the keys document and the secrets under the prefix, and has a dashboard'
    : 'keeps stored responses in a table, and has no dashboard', () => {
    const tables = resourcesOfType(name, 'AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(
      variant.apiKey === 'keys' ? ['GatewayTablesLimits', 'GatewayTablesResponses'] : ['GatewayTablesResponses']);
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      expect((table as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    }
    expect(resourcesOfType(name, 'AWS::CloudWatch::Dashboard')).toHaveLength(variant.apiKey === 'keys' ? 1 : 0);
    if (variant.apiKey === 'keys') {
      const statements = resourcesOfType(name, 'AWS::IAM::Policy')
        .filter(([id]) => /^Gateway(LambdaRole|FargateTaskDefinitionTaskRole)/.test(id))
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
      expect(statements).toEqual(expect.arrayContaining([
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: 'KeysDocumentSecretArn' } },
        {
          Sid: 'ReadKeySecrets',
          Action: 'secretsmanager:GetSecretValue',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:', { Ref: 'KeySecretsNamePrefix' }, '*']] },
        },
      ]));
    }
  });

  test({
    'existing-vpc': 'creates no VPC, subnet, gateway or route: it uses the VPC and subnets from the parameters',
    'new-vpc': 'creates its own VPC',
    'no-vpc': 'creates no VPC and no load balancer: a regional REST API streams from the function',
    'private-vpc': 'creates its own VPC without internet gateway, NAT or route, with VPC endpoints and an internal load balancer',
  }[variant.network], () => {
    const networkTypes = ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::Route'];
    const created = Object.values(synthesized.template(name).Resources).filter((r) => networkTypes.includes(r.Type));
    if (variant.network === 'no-vpc') {
      expect(created).toEqual([]);
      expect(resourcesOfType(name, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toEqual([]);
      const [[, api]] = resourcesOfType(name, 'AWS::ApiGateway::RestApi');
      expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
      const methods = resourcesOfType(name, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
      expect(methods.map((m) => [m.AuthorizationType, m.Integration.ResponseTransferMode, m.Integration.TimeoutInMillis]))
        .toEqual([['CUSTOM', 'STREAM', 900_000], ['CUSTOM', 'STREAM', 900_000]]);
      return;
    }
    const [[, lb]] = resourcesOfType(name, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    if (variant.network === 'existing-vpc') {
      expect(created).toEqual([]);
      expect(lb.Properties.Subnets).toEqual({ Ref: 'LoadBalancerSubnetIds' });
    } else if (variant.network === 'new-vpc') {
      expect(created.map((r) => r.Type)).toContain('AWS::EC2::VPC');
    } else {
      expect([...new Set(created.map((r) => r.Type))].sort()).toEqual(['AWS::EC2::Subnet', 'AWS::EC2::VPC']);
      const endpoints = resourcesOfType(name, 'AWS::EC2::VPCEndpoint').map(([, endpoint]) => endpoint.Properties.VpcEndpointType);
      expect(endpoints.sort()).toEqual([
        ...variant.compute === 'fargate' ? ['Interface', 'Interface', 'Interface'] : [],
        ...variant.apiKey === 'keys' ? ['Interface'] : [],
        'Gateway', 'Gateway', 'Interface', 'Interface', 'Interface',
      ].sort());
    }
    expect(lb.Properties.Scheme).toEqual(variant.network === 'private-vpc' ? 'internal' : { Ref: 'LoadBalancerScheme' });
  });
});
