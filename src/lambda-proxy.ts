import * as path from 'node:path';
import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ComputeContext } from './compute-context';
import { LambdaComputeOptions } from './compute-options';
import { acknowledgeLambdaFunction, acknowledgeLambdaNetworkInterfaces } from './nag';
import { propError } from './validation';

/**
 * Directory of the bundled Lambda entry points, from `src/` and from `lib/`: `index.handler` for the load balancer,
 * `streaming.handler` for API Gateway (and `authorizer.handler`, the API Gateway authorizer).
 */
export const LAMBDA_ASSET = path.join(__dirname, '..', 'assets', 'lambda');

/** Lambda's limit on the total size of a function's environment variables (names and values). */
const ENVIRONMENT_LIMIT_BYTES = 4096;

/** What a deploy-time reference (a secret or inference profile ARN, a table name) is counted as: about the longest such ARN. */
const REFERENCE_BYTES = 128;

/** The function's settings and where it runs; without `subnets` it runs outside the VPC. */
export interface LambdaProxyProps extends LambdaComputeOptions, ComputeContext {}

/**
 * The proxy as an arm64 Lambda function, the target of the load balancer's listener or, without a listener, the
 * streaming integration of API Gateway. It runs outside the VPC (it is invoked through the Lambda API) unless subnets are given.
 */
export class LambdaProxy extends Construct {
  public readonly function: lambda.Function;
  /** The function's role: it may write to the function's log group, and nothing else until granted. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LambdaProxyProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? 1024;
    const timeout = props.timeout ?? Duration.seconds(600);
    validate(memorySize, timeout, props.reservedConcurrentExecutions);
    validateSubnets(props.subnets, props.vpc);

    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });
    // Own role with write access to its own log group only, instead of AWSLambdaBasicExecutionRole.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the Bedrock Access Gateway proxy',
    });
    logGroup.grantWrite(this.role);
    if (props.subnets) {
      // What AWSLambdaVPCAccessExecutionRole grants: Lambda manages the function's network interfaces in the VPC.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'ManageVpcNetworkInterfaces',
        actions: [
          'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }));
      acknowledgeLambdaNetworkInterfaces(this.role);
    }

    this.function = new lambda.Function(this, 'Function', {
      description: 'Bedrock Access Gateway: OpenAI-compatible API for Amazon Bedrock',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: props.listener ? 'index.handler' : 'streaming.handler',
      code: lambda.Code.fromAsset(LAMBDA_ASSET),
      memorySize,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup,
      ...(props.subnets ? { vpc: props.vpc, vpcSubnets: props.subnets } : {}),
      environment: props.environment,
    });

    warnOfLargeEnvironment(this, props.environment);
    acknowledgeLambdaFunction(this.function, props.reservedConcurrentExecutions !== undefined, props.subnets !== undefined);

    props.listener?.addTargets('Lambda', {
      targets: [new targets.LambdaTarget(this.function)],
    });
  }
}

/**
 * Warns at synth when the environment may not fit in Lambda's 4 KB, as many declared keys with inference
 * profiles can make it: values known at synth count in full, each reference as {@link REFERENCE_BYTES}.
 */
function warnOfLargeEnvironment(scope: Construct, environment: { [key: string]: string }): void {
  const size = (value: unknown): number => {
    if (typeof value === 'string') return Buffer.byteLength(value);
    const joined = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (joined) return joined[1].reduce<number>((sum, part) => sum + size(part), 0);
    return REFERENCE_BYTES;
  };
  const resolved = Stack.of(scope).resolve(environment) as { [key: string]: unknown };
  const bytes = Object.entries(resolved).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + size(value), 0);
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    Annotations.of(scope).addWarningV2('bedrock-access-gateway:lambda-environment-size',
      `The function's environment variables come to about ${bytes} bytes, and Lambda refuses more than ${ENVIRONMENT_LIMIT_BYTES}: `
      + 'declare fewer keys (or fewer models per key with costAttribution), or keep the keys in a keysDocument.');
  }
}

function validateSubnets(subnets: ec2.SubnetSelection | undefined, vpc: ec2.IVpc | undefined): void {
  if (subnets && !vpc) {
    throw propError('computeSubnets', 'places the function in a VPC, and with the API Gateway front door none is created', 'no vpc',
      'pass the vpc whose subnets you chose, or omit computeSubnets to run the function outside any VPC');
  }
  if (subnets?.subnetType === ec2.SubnetType.PUBLIC) {
    throw propError('computeSubnets', 'a Lambda function gets no public IP, so in public subnets it cannot reach Bedrock', 'subnetType Public',
      'choose private subnets with a NAT gateway or VPC endpoints, or omit computeSubnets to run the function outside the VPC');
  }
}

function validate(memorySize: number, timeout: Duration, reserved: number | undefined): void {
  if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
    throw propError('compute', 'GatewayCompute.lambda({ memorySize }) must be an integer from 128 to 10240 MiB', String(memorySize),
      'pick a memory size in that range, e.g. 1024');
  }
  if (!timeout.isUnresolved() && (timeout.toSeconds() < 1 || timeout.toSeconds() > 900)) {
    throw propError('compute', 'GatewayCompute.lambda({ timeout }) must be from 1 second to 15 minutes', `${timeout.toSeconds()} seconds`,
      'pick a timeout in that range, e.g. Duration.minutes(10)');
  }
  if (reserved !== undefined && !Token.isUnresolved(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
    throw propError('compute', 'GatewayCompute.lambda({ reservedConcurrentExecutions }) must be a positive integer', String(reserved),
      'omit it to use unreserved concurrency or reserve at least 1');
  }
}
