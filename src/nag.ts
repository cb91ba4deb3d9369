import { Acknowledgment, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions) findings the gateway accepts by design, each with its reason.
 * Acknowledgements apply to the given construct and everything under it.
 */

/** The generated API key is a static bearer token that clients hold. */
export function acknowledgeGeneratedSecretRotation(secret: IConstruct): void {
  acknowledge(secret, {
    id: 'AwsSolutions-SMG4',
    reason: 'The generated secret is the API key clients send as a bearer token; automatic rotation would lock every client out. '
      + 'Rotate it by putting a new value: the gateway picks it up within its key cache TTL.',
  });
}

/** Wildcards of the proxy role's Bedrock policy (`findings` as from `bedrockWildcardFindings`). */
export function acknowledgeBedrockWildcards(role: IConstruct, findings: string[]): void {
  for (const finding of findings) {
    acknowledge(role, {
      id: `AwsSolutions-IAM5[${finding}]`,
      reason: finding === 'Resource::*'
        ? 'bedrock:ListFoundationModels and bedrock:ListInferenceProfiles do not support resource-level permissions.'
        : 'Bedrock model access: cross-region inference profiles invoke the foundation model in other regions, and the '
          + 'model and profile set changes over time; narrow it with the allowedModels prop.',
    });
  }
}

/** The network-interface actions of a Lambda function in a VPC. */
export function acknowledgeLambdaNetworkInterfaces(role: IConstruct): void {
  acknowledge(role, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'A Lambda function in a VPC needs ec2:CreateNetworkInterface and the related describe, delete and IP actions on "*", '
      + 'as in AWSLambdaVPCAccessExecutionRole (inlined here instead of the managed policy).',
  });
}

/** The action wildcards of `IKey.grantEncryptDecrypt`, granted for the gateway's tables on their customer managed key. */
export function acknowledgeTableKeyActions(role: IConstruct): void {
  for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
    acknowledge(role, {
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'DynamoDB encrypts and decrypts the gateway\'s table items with the customer managed key on the proxy\'s behalf: '
        + 'the encrypt/decrypt action family on that one key only.',
    });
  }
}

/** Findings on the Fargate service: settings in the environment, the execution role's ECR token wildcard. */
export function acknowledgeFargateService(service: ecs.FargateService): void {
  acknowledge(service.taskDefinition.obtainExecutionRole(), {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ecr:GetAuthorizationToken, which the execution role needs to pull the image, does not support resource-level permissions.',
  });
  acknowledge(service.taskDefinition, {
    id: 'AwsSolutions-ECS2',
    reason: 'The container environment holds only non-secret settings (where the keys live: secret ARNs, parameter names or a keys '
      + 'document that references them; table names, model ids, port); the API keys themselves are read at runtime from Secrets Manager or SSM.',
  });
}

/** The bucket the gateway creates for the load balancer's access logs. */
export function acknowledgeAccessLogBucket(bucket: IConstruct): void {
  acknowledge(bucket, {
    id: 'AwsSolutions-S1',
    reason: 'This bucket receives the load balancer\'s access logs; its own server access logs would need a further bucket, '
      + 'and writes to it come only from Elastic Load Balancing (bucket policy), reads are recorded by CloudTrail data events where enabled.',
  });
}

/**
 * Findings on the load balancer and its security group; `ingressPeers` as given in the props, `accessLogs`
 * whether the gateway turned the load balancer's access logs on.
 */
export function acknowledgeLoadBalancer(loadBalancer: IConstruct, securityGroup: IConstruct, ingressPeers: ec2.IPeer[] | undefined,
  accessLogs: boolean): void {
  if (!accessLogs) {
    acknowledge(loadBalancer, {
      id: 'AwsSolutions-ELB2',
      reason: 'Load balancer access logs would record client IPs and request paths for every call; turn them on with the '
        + 'accessLogs prop where your retention rules allow.',
    });
  }
  if (ingressPeers === undefined) {
    acknowledge(securityGroup, {
      id: 'AwsSolutions-EC23',
      reason: 'An OpenAI-compatible API is reached by clients anywhere by default and every request needs the API key; '
        + 'restrict the clients with the ingressPeers prop.',
    });
  } else if (ingressPeers.some((peer) => Token.isUnresolved(peer.uniqueId))) {
    acknowledge(securityGroup, {
      id: 'AwsSolutions-EC23',
      reason: 'The allowed client range is a deploy-time value (e.g. a template parameter) that cdk-nag cannot evaluate; '
        + 'whoever deploys chooses it.',
    });
  }
}

/**
 * `Validations.of(scope).acknowledge()`, also for finding ids holding ARNs: aws-cdk-lib before
 * aws/aws-cdk#38787 rejects ids with more than one "::" (cdklabs/cdk-nag#2359), so those are recorded
 * as the same acknowledgement metadata that `acknowledge()` writes and cdk-nag reads.
 * Shared with the one-click templates; not part of the library's public API (not exported from the index).
 */
export function acknowledge(scope: IConstruct, acknowledgment: Acknowledgment): void {
  if (acknowledgment.id.split('::').length > 2) {
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [acknowledgment.id]: acknowledgment.reason });
  } else {
    Validations.of(scope).acknowledge(acknowledgment);
  }
}

/**
 * How cdk-nag names an IAM resource in a finding id (`Resource::<this>`): the resolved value flattened,
 * with `Ref`s as `<LogicalId>` and `Fn::GetAtt`s as `<LogicalId.Attribute>`.
 */
export function nagResource(stack: Stack, value: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const fn = node as { 'Fn::Join'?: [string, unknown[]]; 'Ref'?: string; 'Fn::GetAtt'?: [string, string] };
    if (fn['Fn::Join']) return fn['Fn::Join'][1].map(flatten).join(fn['Fn::Join'][0]);
    if (fn['Fn::GetAtt']) return `<${fn['Fn::GetAtt'][0]}.${fn['Fn::GetAtt'][1]}>`;
    if (fn.Ref !== undefined) return `<${fn.Ref}>`;
    return JSON.stringify(node);
  };
  return flatten(stack.resolve(value));
}
