import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, test } from 'vitest';
import { nagFindings, newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

describe('BedrockAccessGateway load balancer', () => {
  const synthClean = useSynthChecks();

  test('the defaults: HTTP on 80 open to any IPv4 address, a 600 s idle timeout, invalid headers dropped', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '600' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bedrock Access Gateway load balancer',
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', Description: 'Clients on port 80', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 }],
    });
  });

  test('with a certificate it serves HTTPS on 443 and redirects HTTP to it', () => {
    // GIVEN
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { certificate, domainName: 'llm.example.com' });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: Match.stringLikeRegexp('^ELBSecurityPolicy-TLS13'),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      ],
    });
    expect(gateway.apiBaseUrl).toBe('https://llm.example.com/api/v1');
    template.hasOutput('*', { Value: 'https://llm.example.com/api/v1' });
  });

  test('ingressPeers replace the open rule with one rule per peer and port', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { ingressPeers: [ec2.Peer.ipv4('10.0.0.0/8'), ec2.Peer.ipv4('192.168.1.0/24')] });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bedrock Access Gateway load balancer',
      SecurityGroupIngress: [
        { CidrIp: '10.0.0.0/8', Description: 'Clients on port 80', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
        { CidrIp: '192.168.1.0/24', Description: 'Clients on port 80', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
      ],
    });
  });

  test('an explicitly open peer is the user\'s choice and stays a cdk-nag finding', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { ingressPeers: [ec2.Peer.anyIpv4()] });
    // THEN
    expect(nagFindings(stack)).toEqual(['AwsSolutions-EC23 at Stack/Gateway/LoadBalancer/SecurityGroup/Resource']);
  });

  test('the load balancer reaches Fargate tasks only on the container port', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { compute: GatewayCompute.fargate() });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' });
  });

  test('the idle timeout is settable, and apiBaseUrl and the output name the load balancer', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { idleTimeout: Duration.minutes(30) });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '1800' }]),
    });
    expect(stack.resolve(gateway.apiBaseUrl)).toEqual(stack.resolve(`http://${gateway.loadBalancer!.loadBalancerDnsName}/api/v1`));
    template.hasOutput('*', {
      Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayLoadBalancer'), 'DNSName'] }, '/api/v1']] },
    });
  });

  test('API_ROUTE_PREFIX in environment moves apiBaseUrl', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { environment: { API_ROUTE_PREFIX: '/openai/v1' } });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ API_ROUTE_PREFIX: '/openai/v1' }) },
    });
    expect(gateway.apiBaseUrl).toMatch(/\/openai\/v1$/);
  });

  test.each([
    [{ idleTimeout: Duration.seconds(4001) },
      'idleTimeout: must be from 1 to 4000 seconds; received 4001 seconds; pick a value in that range; long streamed answers need several minutes, e.g. Duration.seconds(600)'],
    [{ ingressPeers: [] },
      'ingressPeers: must not be empty: no client could connect; received []; list the peers that may connect, e.g. ec2.Peer.ipv4("10.0.0.0/8"), or omit ingressPeers to allow any IPv4 address'],
    [{ domainName: 'llm.example.com' },
      'domainName: is used for HTTPS only and needs certificate; received "llm.example.com"; pass the certificate that covers this name, or remove domainName'],
  ])('invalid props %o fail at construction', (props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props)).toThrow(message);
  });
});
