import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand, Parameter, StackResource,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSubnetCommand, CreateVpcCommand, DescribeInternetGatewaysCommand, DescribeSecurityGroupsCommand, DescribeVpcEndpointsCommand,
  DescribeVpcsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesizeToTempDir, SynthesizedTemplates } from './support';
import { GatewayDefaults } from '../../src';
import { TEMPLATE_VARIANTS, TemplateVariant } from '../../templates/variants';
import { Moto, motoAvailable, startMoto } from '../support/moto';

/**
 * Requests a certificate from moto's ACM, which the load balancer checks the listener's certificate
 * against. There is no ACM SDK client among the dependencies, so this is the JSON request it would send.
 */
async function requestCertificate(moto: Moto, domainName: string): Promise<string> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CertificateManager.RequestCertificate',
      // moto routes by the service named in the credential scope; it does not check signatures.
      'authorization': 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/acm/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ DomainName: domainName }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { CertificateArn: string }).CertificateArn;
}

/** A GET on moto's API Gateway REST API (no API Gateway SDK client among the dependencies); moto checks no signature. */
async function apiGatewayGet(moto: Moto, path: string): Promise<{ item: Record<string, unknown>[] }> {
  const response = await fetch(`${moto.endpoint}${path}`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0' },
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<{ item: Record<string, unknown>[] }>;
}

const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/bedrock-access-gateway:1.0.0';

describe.skipIf(!motoAvailable)('templates launched in moto_server CloudFormation', () => {
  let moto: Moto;
  let synthesized: SynthesizedTemplates;
  let cfn: CloudFormationClient;
  let ec2: EC2Client;
  let elb: ElasticLoadBalancingV2Client;
  let secretArn: string;
  let keysDocumentArn: string;
  const parameterName = '/bedrock-gateway/api-key';
  const network = { vpcId: '', lbSubnets: [] as string[], computeSubnets: [] as string[] };

  beforeAll(async () => {
    synthesized = synthesizeToTempDir();
    moto = await startMoto();
    cfn = new CloudFormationClient(moto.clientConfig);
    ec2 = new EC2Client(moto.clientConfig);
    elb = new ElasticLoadBalancingV2Client(moto.clientConfig);

    // Step 1 of the documented flow: the key exists before the stack.
    secretArn = (await new SecretsManagerClient(moto.clientConfig).send(new CreateSecretCommand({
      Name: 'bedrock-gateway-key', SecretString: JSON.stringify({ api_key: 'sk-test-key' }),
    }))).ARN!;
    await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: parameterName, Type: 'SecureString', Value: 'sk-test-key' }));
    // Or a keys document, whose entries reference per-key secrets under the KeySecretsNamePrefix default.
    const secrets = new SecretsManagerClient(moto.clientConfig);
    const teamSecretArn = (await secrets.send(new CreateSecretCommand({
      Name: 'bedrock-gateway/keys/search-team', SecretString: JSON.stringify({ api_key: 'sk-search-team' }),
    }))).ARN!;
    keysDocumentArn = (await secrets.send(new CreateSecretCommand({
      Name: 'bedrock-gateway-keys',
      SecretString: JSON.stringify({ keys: [{ name: 'search-team', secretArn: teamSecretArn, limits: { requestsPerMinute: 60 } }] }),
    }))).ARN!;

    // The published code bucket of the region, holding the staged zip.
    const s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
    const bucket = `${synthesized.manifest.assetBucketPrefix}-us-east-1`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const asset of synthesized.manifest.assets) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: asset.objectKey, Body: readFileSync(join(synthesized.dir, asset.file)) }));
    }

    // The "existing" VPC: two load balancer subnets in two AZs and one task subnet.
    network.vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    const subnet = async (cidr: string, az: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: network.vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
    network.lbSubnets = [await subnet('10.20.1.0/24', 'us-east-1a'), await subnet('10.20.2.0/24', 'us-east-1b')];
    network.computeSubnets = [await subnet('10.20.11.0/24', 'us-east-1a')];
  });
  afterAll(async () => {
    await moto?.stop();
    synthesized?.remove();
  });

  /** Values a person would enter in the console for this variant (scheme alternates to cover both). */
  function parametersFor(variant: TemplateVariant, extra: { [name: string]: string } = {}): Parameter[] {
    const values: { [name: string]: string } = {
      ApiKeySecretArn: secretArn,
      ApiKeyParameterName: parameterName,
      KeysDocumentSecretArn: keysDocumentArn,
      LoadBalancerScheme: variant.apiKey === 'ssm' ? 'internal' : 'internet-facing',
      DefaultModel: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
      AllowedIngressCidr: '10.0.0.0/8',
      VpcId: network.vpcId,
      LoadBalancerSubnetIds: network.lbSubnets.join(','),
      ComputeSubnetIds: network.computeSubnets.join(','),
      AssignPublicIp: 'ENABLED',
      ContainerImageUri: IMAGE_URI,
      ...extra,
    };
    const declared = Object.keys(synthesized.template(variant.name).Parameters);
    return declared.filter((name) => values[name] !== undefined).map((name) => ({ ParameterKey: name, ParameterValue: values[name] }));
  }

  async function launch(variant: TemplateVariant, stackName: string, parameters: Parameter[]) {
    await cfn.send(new CreateStackCommand({
      StackName: stackName,
      TemplateBody: readFileSync(join(synthesized.dir, `${variant.name}.template.json`), 'utf8'),
      Parameters: parameters,
      Capabilities: ['CAPABILITY_IAM'],
    }));
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0];
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }))).StackResources!;
    return { stack, resources, physicalId: (type: string) => resources.filter((r) => r.ResourceType === type).map((r) => r.PhysicalResourceId!) };
  }

  /** Where the proxy is told its key or keys document lives. */
  function keyEnvironment(variant: TemplateVariant): { [name: string]: string } {
    if (variant.apiKey === 'keys') return { API_KEYS_SECRET_ARN: keysDocumentArn };
    return variant.apiKey === 'secret' ? { API_KEY_SECRET_ARN: secretArn } : { API_KEY_PARAM_NAME: parameterName };
  }

  const vpcIds = async () => (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId).sort();
  const igwIds = async () => (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways!.map((g) => g.InternetGatewayId).sort();

  test('the real secret ARN and parameter name from step 1 satisfy the templates\' own constraints', () => {
    const secretPattern = synthesized.template('lambda-new-vpc-secret').Parameters.ApiKeySecretArn.AllowedPattern!;
    const namePattern = synthesized.template('lambda-new-vpc-ssm').Parameters.ApiKeyParameterName.AllowedPattern!;
    expect(secretArn).toMatch(new RegExp(secretPattern));
    expect(parameterName).toMatch(new RegExp(namePattern));
  });

  const loadBalancerVariants = TEMPLATE_VARIANTS.filter((v) => v.frontDoor === 'load-balancer');
  const apiGatewayVariants = TEMPLATE_VARIANTS.filter((v) => v.frontDoor === 'api-gateway');

  test.each(loadBalancerVariants.map((v) => [v.name, v] as const))('%s reaches CREATE_COMPLETE with the resources it promises', async (name, variant) => {
    const vpcsBefore = await vpcIds();
    const igwsBefore = await igwIds();
    const scheme = variant.apiKey === 'ssm' || variant.network === 'private-vpc' ? 'internal' : 'internet-facing';

    const { stack, resources, physicalId } = await launch(variant, name, parametersFor(variant));
    expect(stack.StackStatus, stack.StackStatusReason).toBe('CREATE_COMPLETE');

    // Load balancer: scheme from the parameter, in the existing subnets when given.
    const [lbArn] = physicalId('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const [lb] = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))).LoadBalancers!;
    expect(lb.Scheme).toBe(scheme);
    expect(stack.Outputs).toEqual(expect.arrayContaining([expect.objectContaining({ OutputKey: 'ApiBaseUrl', OutputValue: `http://${lb.DNSName}/api/v1` })]));

    // Without a certificate: one plain HTTP listener on 80 forwarding to the proxy's target group.
    const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners!;
    expect(listeners.map((l) => [l.Port, l.Protocol, l.DefaultActions?.[0].Type])).toEqual([[80, 'HTTP', 'forward']]);
    const [targetGroup] = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))).TargetGroups!;
    expect(listeners[0].DefaultActions![0].TargetGroupArn).toBe(targetGroup.TargetGroupArn);

    const [lbSecurityGroup] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: lb.SecurityGroups }))).SecurityGroups!;
    expect(lbSecurityGroup.IpPermissions!.map((p) => [p.FromPort, p.IpRanges?.map((r) => r.CidrIp)])).toEqual([[80, ['10.0.0.0/8']]]);

    // The tables: responses always, limits with a keys document. moto's CloudFormation creates them with their key
    // schema and billing mode but leaves out TTL and point-in-time recovery: template-checks.test.ts covers those.
    const tables = physicalId('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(variant.apiKey === 'keys' ? 2 : 1);
    const dynamodb = new DynamoDBClient(moto.clientConfig);
    for (const table of tables) {
      const { Table: description } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect([description!.KeySchema, description!.BillingModeSummary?.BillingMode])
        .toEqual([[{ AttributeName: 'pk', KeyType: 'HASH' }], 'PAY_PER_REQUEST']);
    }
    const tableEnvironment = variant.apiKey === 'keys'
      ? { LIMITS_TABLE_NAME: expect.stringMatching(/Limits/), RESPONSES_TABLE_NAME: expect.stringMatching(/Responses/) }
      : { RESPONSES_TABLE_NAME: tables[0] };
    expect(tables).toEqual(expect.arrayContaining(Object.values(tableEnvironment).filter((v) => typeof v === 'string')));

    if (variant.compute === 'lambda') {
      expect(targetGroup.TargetType).toBe('lambda');
      const [functionName] = physicalId('AWS::Lambda::Function');
      const fn = await new LambdaClient(moto.clientConfig).send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      expect([fn.Runtime, fn.Handler]).toEqual(['nodejs24.x', 'index.handler']);
      expect(fn.Environment!.Variables).toMatchObject({
        ...keyEnvironment(variant),
        ...tableEnvironment,
        DEFAULT_MODEL: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        // The parameter's default: the construct's default embedding model.
        DEFAULT_EMBEDDING_MODEL: GatewayDefaults.EMBEDDING_MODEL,
      });
    } else {
      expect([targetGroup.TargetType, targetGroup.Port, targetGroup.HealthCheckPath]).toEqual(['ip', 8080, '/health']);
      const ecs = new ECSClient(moto.clientConfig);
      const [cluster] = physicalId('AWS::ECS::Cluster');
      const [serviceArn] = physicalId('AWS::ECS::Service');
      const [service] = (await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceArn] }))).services!;
      // moto's CloudFormation keeps the service's task definition but not its launch type, network
      // configuration or load balancers: template-checks.test.ts covers those in the template.
      expect(service.status).toBe('ACTIVE');
      const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }));
      expect(taskDefinition!.containerDefinitions![0]).toMatchObject({ image: IMAGE_URI, portMappings: [{ containerPort: 8080 }] });
      expect(taskDefinition!.containerDefinitions![0].environment).toEqual(expect.arrayContaining([
        ...Object.entries({ ...keyEnvironment(variant), ...tableEnvironment }).map(([variable, value]) => ({ name: variable, value })),
        { name: 'DEFAULT_MODEL', value: 'us.anthropic.claude-sonnet-4-20250514-v1:0' },
      ]));
    }

    // moto also lists resources whose condition is false, without a type: only typed ones were created.
    const types = resources.map((r: StackResource) => r.ResourceType).filter((t): t is string => t !== undefined);
    if (variant.network === 'existing-vpc') {
      expect(lb.VpcId).toBe(network.vpcId);
      expect(lb.AvailabilityZones!.map((az) => az.SubnetId).sort()).toEqual([...network.lbSubnets].sort());
      expect(types.filter((t) => t.startsWith('AWS::EC2::') && !t.startsWith('AWS::EC2::SecurityGroup'))).toEqual([]);
      expect(await vpcIds()).toEqual(vpcsBefore);
      expect(await igwIds()).toEqual(igwsBefore);
    } else {
      expect(types).toEqual(expect.arrayContaining(['AWS::EC2::VPC']));
      expect((await vpcIds()).length).toBe(vpcsBefore.length + 1);
      expect(lb.VpcId).toBe(physicalId('AWS::EC2::VPC')[0]);
      if (variant.network === 'new-vpc') {
        expect(types).toContain('AWS::EC2::InternetGateway');
      } else {
        // Private: no way to the internet, and the endpoints the proxy needs in its place.
        expect(types.filter((t) => ['AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::Route'].includes(t))).toEqual([]);
        expect(await igwIds()).toEqual(igwsBefore);
        const endpoints = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: physicalId('AWS::EC2::VPCEndpoint') }))).VpcEndpoints!;
        expect(endpoints.map((e) => e.ServiceName!.replace('com.amazonaws.us-east-1.', '')).sort()).toEqual([
          'bedrock', 'bedrock-runtime', 'dynamodb', 's3',
          // A keys document may reference secrets and parameters alike.
          ...{ secret: ['secretsmanager'], ssm: ['ssm'], keys: ['secretsmanager', 'ssm'] }[variant.apiKey],
          ...variant.compute === 'fargate' ? ['ecr.api', 'ecr.dkr', 'logs'] : [],
        ].sort());
      }
    }
  });

  test.each(apiGatewayVariants.map((v) => [v.name, v] as const))('%s reaches CREATE_COMPLETE with a REST API and no VPC', async (name, variant) => {
    const vpcsBefore = await vpcIds();
    const { stack, resources, physicalId } = await launch(variant, name, parametersFor(variant));
    expect(stack.StackStatus, stack.StackStatusReason).toBe('CREATE_COMPLETE');
    expect(await vpcIds()).toEqual(vpcsBefore);
    const types = resources.map((r: StackResource) => r.ResourceType).filter((t): t is string => t !== undefined);
    expect(types.filter((t) => t.startsWith('AWS::EC2::') || t.startsWith('AWS::ElasticLoadBalancingV2::'))).toEqual([]);

    // moto's CloudFormation creates the API's resources and methods (not its authorizer, usage plans, API keys or
    // gateway responses: template-checks.test.ts and the construct tests cover those in the template).
    const [restApiId] = physicalId('AWS::ApiGateway::RestApi');
    const [proxyFunction] = physicalId('AWS::Lambda::Function').filter((fn) => fn.includes('GatewayLambdaFunction'));
    interface ApiMethod { authorizationType: string; apiKeyRequired: boolean; methodIntegration: { type: string; uri: string } }
    const apiResources = (await apiGatewayGet(moto, `/restapis/${restApiId}/resources`)).item as { path: string; resourceMethods: Record<string, ApiMethod> }[];
    expect(apiResources.map((r) => r.path).sort()).toEqual(['/', '/{proxy+}']);
    for (const resource of apiResources) {
      const { authorizationType, apiKeyRequired, methodIntegration } = resource.resourceMethods.ANY;
      expect([authorizationType, apiKeyRequired, methodIntegration.type]).toEqual(['CUSTOM', true, 'AWS_PROXY']);
      expect(methodIntegration.uri).toMatch(new RegExp(`/2021-11-15/functions/arn:aws:lambda:[^/]+:function:${proxyFunction}/response-streaming-invocations$`));
    }
    expect(stack.Outputs).toEqual([expect.objectContaining({
      OutputKey: 'ApiBaseUrl', OutputValue: `https://${restApiId}.execute-api.us-east-1.amazonaws.com/v1/api/v1`,
    })]);
    const lambda = new LambdaClient(moto.clientConfig);
    const functions = await Promise.all(physicalId('AWS::Lambda::Function')
      .map((fn) => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))));
    expect(functions.map((fn) => fn.Handler).sort()).toEqual(['authorizer.handler', 'streaming.handler']);
    for (const fn of functions) expect(fn.Environment!.Variables).toMatchObject(keyEnvironment(variant));
    const proxy = functions.find((fn) => fn.Handler === 'streaming.handler')!;
    expect([proxy.Runtime, proxy.Timeout]).toEqual(['nodejs24.x', 900]);
  });

  test('with a certificate: HTTPS on 443 with that certificate, HTTP on 80 redirecting to it, and an https:// base URL', async () => {
    const certificateArn = await requestCertificate(moto, 'gateway.example.com');
    const variant = TEMPLATE_VARIANTS.find((v) => v.name === 'lambda-new-vpc-secret')!;
    const { stack, physicalId } = await launch(variant, 'with-certificate', parametersFor(variant, { CertificateArn: certificateArn }));
    expect(stack.StackStatus, stack.StackStatusReason).toBe('CREATE_COMPLETE');

    const [lbArn] = physicalId('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners!.sort((a, b) => a.Port! - b.Port!);
    expect(listeners.map((l) => [l.Port, l.Protocol, l.DefaultActions?.[0].Type])).toEqual([[80, 'HTTP', 'redirect'], [443, 'HTTPS', 'forward']]);
    expect(listeners[0].DefaultActions![0].RedirectConfig).toMatchObject({ Protocol: 'HTTPS', Port: '443' });
    expect(listeners[1].Certificates).toEqual([expect.objectContaining({ CertificateArn: certificateArn })]);

    const [lb] = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))).LoadBalancers!;
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: lb.SecurityGroups }))).SecurityGroups!;
    expect(group.IpPermissions!.map((p) => p.FromPort).sort()).toEqual([443, 80]);
    expect(stack.Outputs!.find((o) => o.OutputKey === 'ApiBaseUrl')!.OutputValue).toBe(`https://${lb.DNSName}/api/v1`);
  });
});
