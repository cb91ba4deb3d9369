import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, test } from 'vitest';
import { newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayAccessLogs } from '../../src';

const ENV = { account: '123456789012', region: 'us-east-1' };

describe('BedrockAccessGateway load balancer access logs and deletion protection', () => {
  const synthClean = useSynthChecks();

  test('access logs to a new bucket: encrypted, SSL-only, private, expiring, and the load balancer writes to it', () => {
    // GIVEN
    const stack = newStack(ENV);
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { accessLogs: GatewayAccessLogs.toNewBucket({ expiration: Duration.days(30) }) });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    for (const statement of [
      // SSL only
      { Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      // Elastic Load Balancing's account in us-east-1 writes the logs
      { Effect: 'Allow', Action: 's3:PutObject', Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([':iam::127311923021:root'])] } } },
    ]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) } });
    }
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^GatewayAccessLogsBucket') } },
      ]),
    });
  });

  test('access logs to a given bucket, under a prefix', () => {
    // GIVEN
    const stack = newStack(ENV);
    const bucket = s3.Bucket.fromBucketName(stack, 'Logs', 'central-alb-logs');
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { accessLogs: GatewayAccessLogs.toBucket(bucket, 'gateway') });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.bucket', Value: 'central-alb-logs' },
        { Key: 'access_logs.s3.prefix', Value: 'gateway' },
      ]),
    });
  });

  test('access logs in a stack without a region fail, naming the prop and the fix', () => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { accessLogs: GatewayAccessLogs.toNewBucket() })).toThrow(
      'accessLogs: the bucket policy for load balancer logs depends on the region, and the stack has none at synth time; '
      + 'received a region-agnostic stack; give the stack an environment with a region (new Stack(app, id, { env: { region } }))');
  });

  test('deletionProtection protects the load balancer', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { deletionProtection: true });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });
});
