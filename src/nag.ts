import { Acknowledgment, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';

/**
 * cdk-nag findings (AwsSolutions, NIST 800-53 rev 5, HIPAA Security) the gateway accepts by design or
 * leaves to a prop, each with its reason. Acknowledgements apply to the given construct and everything under it.
 */

/** Acknowledges a rule of both compliance packs (`NIST.800.53.R5-<rule>`, `HIPAA.Security-<rule>`), where each has it. */
function acknowledgeCompliance(scope: IConstruct, rule: string, reason: string): void {
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) acknowledge(scope, { id: `${pack}-${rule}`, reason });
}

/** What a reviewer needs to know of the gateway's settings to accept its remaining findings. */
export interface GatewayHardening {
  /** A customer managed key encrypts the log groups and the secrets the gateway creates. */
  readonly customerManagedKey: boolean;
}

/** Findings on everything under the gateway, whichever part creates it (roles and log groups included). */
export function acknowledgeGateway(gateway: IConstruct, hardening: GatewayHardening): void {
  acknowledgeCompliance(gateway, 'DynamoDBInBackupPlan',
    'The gateway\'s tables hold short-lived state (rate-limit counters, stored responses that expire) and have point-in-time '
    + 'recovery on; AWS Backup plans are an account-level choice: select the tables in your own plan by ARN or tag.');
  acknowledgeCompliance(gateway, 'CloudWatchAlarmAction',
    'The gateway\'s alarms come without actions: who is notified (an SNS topic, chat, an incident tool) is the account\'s choice; '
    + 'add one with serverErrorsAlarm.addAlarmAction() or monthlyBudgetAlarm.addAlarmAction().');
  acknowledgeCompliance(gateway, 'IAMNoInlinePolicy',
    'Each role gets its least-privilege grants as an AWS::IAM::Policy attached to that role only (CDK grants); a customer managed '
    + 'policy would grant the same while inviting reuse by other roles. No policy is shared between roles.');
  if (!hardening.customerManagedKey) {
    acknowledgeCompliance(gateway, 'CloudWatchLogGroupEncrypted',
      'CloudWatch Logs encrypts every log group at rest with keys AWS manages; a key of your own (its policy, rotation, audit trail) '
      + 'is one prop away: encryption: GatewayEncryption.customerManagedKey().');
    acknowledgeCompliance(gateway, 'SecretsManagerUsingKMSKey',
      'The secrets the gateway creates are encrypted with the AWS managed key aws/secretsmanager, usable only through Secrets Manager '
      + 'in this account; encryption: GatewayEncryption.customerManagedKey() encrypts them with a key of your own.');
  }
}

/** Findings on a VPC the gateway creates. */
export function acknowledgeNewVpc(vpc: IConstruct, hasInternetGateway: boolean): void {
  acknowledgeCompliance(vpc, 'VPCDefaultSecurityGroupClosed',
    'No resource of the gateway uses the VPC\'s default security group (each has its own, least-privilege group); closing the '
    + 'default group takes a custom-resource Lambda function. Pass your own VPC to manage its default group.');
  if (hasInternetGateway) {
    acknowledgeCompliance(vpc, 'VPCNoUnrestrictedRouteToIGW',
      'Only the public subnets route to the internet gateway: an internet-facing load balancer (or Fargate tasks with public IPs '
      + 'and no VPC endpoints) needs it. For a VPC without internet gateway set internetFacing: false and vpcEndpoints.');
  }
}

/** The generated API key is a static bearer token that clients hold. */
export function acknowledgeGeneratedSecretRotation(secret: IConstruct): void {
  const reason = 'The generated secret is the API key clients send as a bearer token; automatic rotation would lock every client out. '
    + 'Rotate it by putting a new value: the gateway picks it up within its key cache TTL.';
  acknowledge(secret, { id: 'AwsSolutions-SMG4', reason });
  acknowledgeCompliance(secret, 'SecretsManagerRotationEnabled', reason);
}

/** Findings on the proxy's function; `reservedConcurrency` and `inVpc` as configured. */
export function acknowledgeLambdaFunction(fn: IConstruct, reservedConcurrency: boolean, inVpc: boolean): void {
  acknowledgeCompliance(fn, 'LambdaDLQ',
    'The front door (the load balancer or API Gateway) invokes the function synchronously and returns its answer (or error) to '
    + 'the client; a dead-letter queue only receives failed asynchronous invocations, which never happen here.');
  if (!reservedConcurrency) {
    acknowledgeCompliance(fn, 'LambdaConcurrency',
      'Reserving concurrency takes it from every other function in the account; set it where needed with '
      + 'GatewayCompute.lambda({ reservedConcurrentExecutions }).');
  }
  if (!inVpc) {
    acknowledgeCompliance(fn, 'LambdaInsideVPC',
      'The function needs no VPC resource: the front door invokes it through the Lambda API and it calls only AWS APIs. '
      + 'vpcEndpoints (or computeSubnets) places the proxy in private subnets.');
  }
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
  const reason = 'This bucket receives the load balancer\'s access logs; its own server access logs would need a further bucket, '
    + 'and writes to it come only from Elastic Load Balancing (bucket policy), reads are recorded by CloudTrail data events where enabled.';
  acknowledge(bucket, { id: 'AwsSolutions-S1', reason });
  acknowledgeCompliance(bucket, 'S3BucketLoggingEnabled', reason);
  acknowledgeCompliance(bucket, 'S3DefaultEncryptionKMS',
    'Elastic Load Balancing writes access logs only to buckets encrypted with S3 managed keys (SSE-S3); it does not support SSE-KMS.');
  acknowledgeCompliance(bucket, 'S3BucketReplicationEnabled',
    'Access logs are operational records kept for a limited time (lifecycle expiration); replicate the bucket to another region '
    + 'yourself if your retention rules ask for it, or pass your own bucket with GatewayAccessLogs.toBucket().');
}

/** How the load balancer is configured, as far as its findings go. */
export interface LoadBalancerHardening {
  /** The ingress peers as given in the props. */
  readonly ingressPeers: ec2.IPeer[] | undefined;
  readonly accessLogs: boolean;
  readonly https: boolean;
  readonly webAcl: boolean;
  readonly deletionProtection: boolean;
}

/** Findings on the load balancer, its listeners and its security group. */
export function acknowledgeLoadBalancer(loadBalancer: IConstruct, securityGroup: IConstruct, hardening: LoadBalancerHardening): void {
  const { ingressPeers } = hardening;
  if (!hardening.accessLogs) {
    const reason = 'Load balancer access logs would record client IPs and request paths for every call; turn them on with the '
      + 'accessLogs prop where your retention rules allow.';
    acknowledge(loadBalancer, { id: 'AwsSolutions-ELB2', reason });
    acknowledgeCompliance(loadBalancer, 'ELBLoggingEnabled', reason);
  }
  if (hardening.https) {
    acknowledgeCompliance(loadBalancer, 'ELBv2ACMCertificateRequired',
      'Only the HTTPS listener serves the API, with the ACM certificate; the plain-HTTP listener on port 80 answers every request '
      + 'with a redirect to HTTPS and forwards nothing.');
  } else {
    const reason = 'Without a certificate the gateway listens on HTTP only, as chosen for private networks or a TLS-terminating proxy '
      + 'in front; pass certificate (and domainName) for HTTPS with a redirect from HTTP.';
    acknowledgeCompliance(loadBalancer, 'ELBv2ACMCertificateRequired', reason);
    acknowledgeCompliance(loadBalancer, 'ALBHttpToHttpsRedirection', reason);
  }
  if (!hardening.webAcl) {
    acknowledgeCompliance(loadBalancer, 'ALBWAFEnabled',
      'Every request needs the API key and ingress is limited by ingressPeers; a web ACL (known bad inputs, per-IP rate limit) is '
      + 'one prop away: webAcl: GatewayWebAcl.create().');
  }
  if (!hardening.deletionProtection) {
    acknowledgeCompliance(loadBalancer, 'ELBDeletionProtectionEnabled',
      'The load balancer holds no data and CloudFormation recreates it with the stack; deletionProtection: true keeps it from '
      + 'being deleted where its DNS name must not change.');
  }
  if (ingressPeers === undefined) {
    acknowledge(securityGroup, {
      id: 'AwsSolutions-EC23',
      reason: 'An OpenAI-compatible API is reached by clients anywhere by default and every request needs the API key; '
        + 'restrict the clients with the ingressPeers prop.',
    });
  } else if (ingressPeers.some((peer) => Token.isUnresolved(peer.uniqueId))) {
    const reason = 'The allowed client range is a deploy-time value (e.g. a template parameter) that cdk-nag cannot evaluate; '
      + 'whoever deploys chooses it, and the group opens only the listener ports 80 and 443 to it.';
    acknowledge(securityGroup, { id: 'AwsSolutions-EC23', reason });
    acknowledgeCompliance(securityGroup, 'EC2RestrictedCommonPorts', reason);
    acknowledgeCompliance(securityGroup, 'EC2RestrictedSSH', reason);
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

/** Findings on the API Gateway front door; `webAcl`: whether a web ACL is associated. */
export function acknowledgeRestApi(api: IConstruct, settings: { readonly webAcl: boolean; readonly tracing: boolean }): void {
  const { webAcl, tracing } = settings;
  acknowledge(api, {
    id: 'AwsSolutions-APIG2',
    reason: 'The proxy validates every request body against the OpenAI API schema itself and answers in OpenAI\'s error shape; '
      + 'API Gateway request validation would answer in its own shape.',
  });
  const executionLogging = 'Execution logging needs the account-wide API Gateway CloudWatch role, a per-account setting this '
    + 'construct does not take over; JSON access logs are on, and the proxy logs every request.';
  acknowledge(api, { id: 'AwsSolutions-APIG6', reason: executionLogging });
  acknowledgeCompliance(api, 'APIGWExecutionLoggingEnabled', executionLogging);
  acknowledgeCompliance(api, 'APIGWCacheEnabledAndEncrypted',
    'API Gateway cannot cache streamed responses, and every model answer is unique to its prompt: there is nothing to cache.');
  acknowledgeCompliance(api, 'APIGWSSLEnabled',
    'A stage client certificate authenticates API Gateway to HTTP backends; this API invokes its Lambda function through the '
    + 'Lambda API with IAM, over TLS.');
  if (!tracing) {
    acknowledgeCompliance(api, 'APIGWXrayEnabled',
      'X-Ray tracing costs per trace and is optional: set tracing: true on GatewayFrontDoor.apiGateway() to turn it on.');
  }
  acknowledge(api, {
    id: 'AwsSolutions-COG4',
    reason: 'OpenAI clients authenticate with Bearer API keys, not Cognito tokens: a Lambda authorizer checks them.',
  });
  if (!webAcl) {
    const reason = 'Every request needs a valid API key and usage plans throttle each key; associate a web ACL with the webAclArn '
      + 'option where required.';
    acknowledge(api, { id: 'AwsSolutions-APIG3', reason });
    acknowledgeCompliance(api, 'APIGWAssociatedWithWAF', reason);
  }
}
