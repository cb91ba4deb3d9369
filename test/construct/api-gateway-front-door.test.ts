import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, test } from 'vitest';
import { existingVpc, newStack, SUBNETS, useSynthChecks } from './support';
import { ApiGatewayEndpoint, ApiKeySource, BedrockAccessGateway, GatewayCompute, GatewayFrontDoor } from '../../src';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/gateway/0a1b2c3d-1111-2222-3333-444455556666';

/** The function resource whose code is the given asset directory's bundle (by its handler's description). */
const functionByDescription = (template: Template, pattern: RegExp) => Object.values(template.findResources('AWS::Lambda::Function'))
  .find((fn) => pattern.test(fn.Properties.Description));

/** The environment variables of the proxy's function and of the authorizer's. */
function environments(template: Template) {
  return {
    proxy: functionByDescription(template, /OpenAI-compatible/)!.Properties.Environment.Variables,
    authorizer: functionByDescription(template, /checks the Bearer API key/)!.Properties.Environment.Variables,
  };
}

describe('BedrockAccessGateway with the API Gateway front door', () => {
  const synthClean = useSynthChecks();

  test('a regional REST API streams from the function behind the authorizer; no VPC, no load balancer', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      frontDoor: GatewayFrontDoor.apiGateway(),
      compute: GatewayCompute.lambda({ timeout: Duration.minutes(15) }),
    });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    expect(gateway.vpc).toBeUndefined();
    expect(gateway.loadBalancer).toBeUndefined();
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      ApiKeySourceType: 'AUTHORIZER',
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'CUSTOM',
      ApiKeyRequired: true,
      Integration: {
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: 900_000,
        Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/response-streaming-invocations$')])] }),
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900, Handler: 'streaming.handler', Description: Match.stringLikeRegexp('OpenAI-compatible') });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'authorizer.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(stack.resolve(gateway.apiBaseUrl)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/^GatewayApi/) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/v1/api/v1']],
    });
    template.hasOutput('*', { Value: stack.resolve(gateway.apiBaseUrl) });
  });

  test('the authorizer reads the same key as the proxy, from the same settings, and nothing else', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      frontDoor: GatewayFrontDoor.apiGateway(),
      apiKey: ApiKeySource.fromSsmParameterName('/gateway/api-key'),
      environment: { API_KEY_CACHE_TTL_SECONDS: '30' },
    });
    // THEN
    const template = synthClean(stack);
    const { proxy, authorizer } = environments(template);
    expect(authorizer).toMatchObject({ API_KEY_PARAM_NAME: '/gateway/api-key', API_KEY_CACHE_TTL_SECONDS: '30' });
    expect(proxy).toMatchObject({ API_KEY_PARAM_NAME: '/gateway/api-key', API_KEY_CACHE_TTL_SECONDS: '30' });
    expect(proxy.USAGE_PLAN_KEYS).toBeUndefined();
    const authorizerPolicy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p) => /AuthorizerRole/.test(p.Properties.PolicyName))!;
    const actions = authorizerPolicy.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'ssm:GetParameter']);
  });

  test('one usage plan with its API key per key that declares edge limits, plus the default plan; the authorizer learns their values', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      frontDoor: GatewayFrontDoor.apiGateway({
        usagePlans: [
          { keyName: 'team-a', rateLimit: 5, burstLimit: 10, quota: 10_000, quotaPeriod: apigateway.Period.DAY },
          { keyName: 'team-b', quota: 500 },
        ],
        defaultUsagePlan: { rateLimit: 1, burstLimit: 2 },
      }),
    });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 3);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 3);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 3);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 10 }, Quota: { Limit: 10_000, Period: 'DAY' },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: Match.absent(), Quota: { Limit: 500, Period: 'MONTH' } });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 1, BurstLimit: 2 }, Quota: Match.absent() });
    // Each plan's API key value is what the authorizer returns for the keys of that plan.
    const keyValues = Object.values(template.findResources('AWS::ApiGateway::ApiKey')).map((k) => JSON.stringify(k.Properties.Value));
    const { authorizer } = environments(template);
    const planKeys = JSON.stringify(authorizer.USAGE_PLAN_KEYS);
    expect(planKeys).toContain('\\"team-a\\":\\"');
    expect(planKeys).toContain('\\"team-b\\":\\"');
    expect(keyValues).toContain(JSON.stringify(authorizer.DEFAULT_USAGE_PLAN_KEY));
    for (const value of keyValues) expect(value).toContain('AWS::StackId');
  });

  test('every answer API Gateway gives itself is an OpenAI error with the right status; throttling says when to retry', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { frontDoor: GatewayFrontDoor.apiGateway() });
    // THEN
    const responses = Object.values(synthClean(stack).findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    const byType = Object.fromEntries(responses.map((r) => [r.ResponseType, r]));
    expect(Object.keys(byType).sort()).toEqual([
      'ACCESS_DENIED', 'AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE', 'DEFAULT_4XX', 'DEFAULT_5XX', 'INTEGRATION_FAILURE',
      'INTEGRATION_TIMEOUT', 'INVALID_API_KEY', 'MISSING_AUTHENTICATION_TOKEN', 'QUOTA_EXCEEDED', 'REQUEST_TOO_LARGE',
      'RESOURCE_NOT_FOUND', 'THROTTLED', 'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'WAF_FILTERED',
    ]);
    const statuses = Object.fromEntries(responses.map((r) => [r.ResponseType, r.StatusCode]));
    expect(statuses).toMatchObject({
      UNAUTHORIZED: '401',
      ACCESS_DENIED: '403',
      THROTTLED: '429',
      QUOTA_EXCEEDED: '429',
      MISSING_AUTHENTICATION_TOKEN: '404',
      REQUEST_TOO_LARGE: '413',
      INTEGRATION_TIMEOUT: '504',
      INTEGRATION_FAILURE: '502',
      AUTHORIZER_FAILURE: '500',
    });
    // The catch-alls keep API Gateway's status and carry its message.
    expect(byType.DEFAULT_4XX.StatusCode).toBeUndefined();
    expect(byType.DEFAULT_5XX.StatusCode).toBeUndefined();
    for (const response of responses) {
      // API Gateway substitutes $context.error.messageString with its message as a quoted JSON string.
      const body = JSON.parse(response.ResponseTemplates['application/json'].replace('$context.error.messageString', '"Forbidden"'));
      expect(body, response.ResponseType).toEqual({
        error: { message: expect.any(String), type: expect.any(String), param: null, code: response.ResponseType.startsWith('DEFAULT') ? null : expect.any(String) },
      });
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    expect(byType.THROTTLED.ResponseParameters).toEqual({ 'gatewayresponse.header.Retry-After': '\'1\'' });
    expect(byType.QUOTA_EXCEEDED.ResponseParameters).toEqual({ 'gatewayresponse.header.x-should-retry': '\'false\'' });
    expect(JSON.parse(byType.UNAUTHORIZED.ResponseTemplates['application/json']).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(JSON.parse(byType.THROTTLED.ResponseTemplates['application/json']).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  });

  test('access logs are JSON, without the Authorization header, kept for the log retention; stage throttling and X-Ray settable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      frontDoor: GatewayFrontDoor.apiGateway({
        throttlingRateLimit: 20, throttlingBurstLimit: 40, tracing: true, authorizerCacheTtl: Duration.seconds(0),
      }),
    });
    // THEN
    const template = synthClean(stack);
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.MethodSettings).toEqual([expect.objectContaining({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40, HttpMethod: '*', ResourcePath: '/*' })]);
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', keyName: '$context.authorizer.keyName' });
    expect(stage.AccessLogSetting.Format.toLowerCase()).not.toContain('authorization');
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
  });

  test('a custom domain with its certificate: apiBaseUrl names the domain', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      frontDoor: GatewayFrontDoor.apiGateway(),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
      domainName: 'llm.example.com',
    });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'llm.example.com',
      RegionalCertificateArn: CERTIFICATE_ARN,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { DomainName: { Ref: Match.anyValue() } });
    expect(gateway.apiBaseUrl).toBe('https://llm.example.com/api/v1');
  });

  test('a WAF web ACL is associated with the stage', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { frontDoor: GatewayFrontDoor.apiGateway({ webAclArn: WEB_ACL_ARN }) });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: WEB_ACL_ARN,
      ResourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['/stages/', { Ref: Match.stringLikeRegexp('DeploymentStagev1') }])] }),
    });
  });

  test('a private API gets an execute-api interface endpoint in the VPC and a policy refusing any other way in', () => {
    // GIVEN
    const stack = newStack({ account: '123456789012', region: 'us-east-1' });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'ClientVpc', {
      vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: SUBNETS.private,
    });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, frontDoor: GatewayFrontDoor.apiGateway({ endpoint: ApiGatewayEndpoint.privateEndpoint() }) });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.execute-api', VpcEndpointType: 'Interface', PrivateDnsEnabled: true,
    });
    const api = Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0].Properties;
    expect(api.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [{ Ref: expect.stringMatching(/ExecuteApiEndpoint/) }] });
    expect(api.Policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'execute-api:Invoke' }),
      expect.objectContaining({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': { Ref: expect.stringMatching(/ExecuteApiEndpoint/) } } } }),
    ]);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });

  test('a private API may use an existing interface endpoint and then needs no VPC', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Endpoint', { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443 });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { frontDoor: GatewayFrontDoor.apiGateway({ endpoint: ApiGatewayEndpoint.privateEndpoint(endpoint) }) });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: ['vpce-0123456789abcdef0'] } });
  });

  test('the function runs in the VPC only when subnets are asked for', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack);
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, frontDoor: GatewayFrontDoor.apiGateway() });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }) });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });

  test.each([
    ['Fargate compute', () => ({ compute: GatewayCompute.fargate() }), /^frontDoor: GatewayFrontDoor.apiGateway\(\) runs the proxy on Lambda only; received compute GatewayCompute.fargate\(\); use GatewayFrontDoor.loadBalancer\(\)/],
    ['a private endpoint to create without a VPC', () => ({ frontDoor: GatewayFrontDoor.apiGateway({ endpoint: ApiGatewayEndpoint.privateEndpoint() }) }), /^frontDoor: .*needs the vpc prop; received no vpc; pass vpc/],
    ['a certificate without domainName', (stack: ReturnType<typeof newStack>) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'C', CERTIFICATE_ARN) }), /^certificate: .*needs domainName/],
    ['two plans for one key', () => ({ frontDoor: GatewayFrontDoor.apiGateway({ usagePlans: [{ keyName: 'a' }, { keyName: 'a' }] }) }), /^frontDoor: .*two plans for one key; received "a" twice/],
    ['an authorizer cache over an hour', () => ({ frontDoor: GatewayFrontDoor.apiGateway({ authorizerCacheTtl: Duration.hours(2) }) }), /^frontDoor: .*authorizerCacheTtl.*at most 1 hour; received 7200 seconds/],
    ['subnets without a VPC', () => ({ computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }), /^computeSubnets: .*received no vpc/],
  ])('%s is refused at synth, naming the prop and the fix', (_name, extra, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { frontDoor: GatewayFrontDoor.apiGateway(), ...extra(stack) })).toThrow(message);
  });
});
