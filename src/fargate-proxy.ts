import * as path from 'node:path';
import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ComputeContext } from './compute-context';
import { FargateComputeOptions } from './compute-options';
import { grantPullOfEcrImageUri } from './ecr-image-pull';
import { acknowledgeFargateService } from './nag';
import { propError } from './validation';

/** Docker build context of the bundled long-running server (server.js + Dockerfile). */
const CONTAINER_ASSET = path.join(__dirname, '..', 'assets', 'container');

/** Memory (MiB) Fargate accepts for each cpu value: [from, to, step]. */
const FARGATE_MEMORY: { [cpu: number]: [number, number, number] } = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

export interface FargateProxyProps extends FargateComputeOptions, ComputeContext {
  readonly vpc: ec2.IVpc;
  readonly listener: elbv2.ApplicationListener;
}

/** The proxy as an arm64 Fargate service behind the listener, with CPU and request-count autoscaling. */
export class FargateProxy extends Construct {
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: FargateProxyProps) {
    super(scope, id);
    const cpu = props.cpu ?? 512;
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    const containerPort = props.containerPort ?? 8080;
    const minCapacity = props.minCapacity ?? 1;
    const maxCapacity = props.maxCapacity ?? 4;
    const desiredCount = props.desiredCount ?? minCapacity;
    validateSize(cpu, memoryLimitMiB, containerPort);
    validateScaling(minCapacity, maxCapacity, desiredCount);
    validateTargets(props.targetCpuUtilizationPercent, props.requestsPerTarget);

    const subnets = props.vpc.selectSubnets(props.subnets ?? defaultComputeSubnets(props.vpc));
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });
    const container = taskDefinition.addContainer('Proxy', {
      image: props.image ?? ecs.ContainerImage.fromAsset(CONTAINER_ASSET, { platform: ecrAssets.Platform.LINUX_ARM64 }),
      portMappings: [{ containerPort }],
      environment: { ...props.environment, PORT: String(containerPort) },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'proxy' }),
      readonlyRootFilesystem: true,
    });
    grantPullOfEcrImageUri(container);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount,
      vpcSubnets: subnets,
      // Tasks in public subnets reach Bedrock and ECR only through a public IP (no NAT there).
      assignPublicIp: subnets.hasPublic,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
    acknowledgeFargateService(this.service);

    const targetGroup = props.listener.addTargets('Fargate', {
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      healthCheck: { path: '/health', healthyHttpCodes: '200', interval: Duration.seconds(15) },
      deregistrationDelay: Duration.seconds(30),
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 70 });
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: props.requestsPerTarget ?? 600, targetGroup });
  }
}

/**
 * Private subnets with egress when the VPC has them, else its public subnets (with a public IP), else its
 * isolated subnets (reaching AWS through VPC endpoints).
 */
function defaultComputeSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  return { subnetType: vpc.publicSubnets.length > 0 ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED };
}

function validateSize(cpu: number, memory: number, port: number): void {
  if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw propError('compute', 'GatewayCompute.fargate({ containerPort }) must be an integer from 1 to 65535', String(port),
      'use the port the proxy listens on, e.g. 8080');
  }
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memory)) return;
  const range = FARGATE_MEMORY[cpu];
  if (!range) {
    throw propError('compute', 'GatewayCompute.fargate({ cpu }) must be 256, 512, 1024, 2048, 4096, 8192 or 16384', String(cpu),
      'pick one of those vCPU units, e.g. 512');
  }
  const [from, to, step] = range;
  if (memory < from || memory > to || (memory - from) % step !== 0) {
    throw propError('compute', `GatewayCompute.fargate({ memoryLimitMiB }) must be ${from} to ${to} in steps of ${step} for cpu ${cpu}`,
      String(memory), 'pick a memory size Fargate supports for that cpu');
  }
}

function validateScaling(min: number, max: number, desired: number): void {
  if ([min, max, desired].some((n) => Token.isUnresolved(n))) return;
  if (!Number.isInteger(min) || min < 1 || !Number.isInteger(max) || max < min) {
    throw propError('compute', 'GatewayCompute.fargate({ minCapacity, maxCapacity }) must be integers with 1 <= minCapacity <= maxCapacity',
      `minCapacity ${min}, maxCapacity ${max}`, 'raise maxCapacity or lower minCapacity');
  }
  if (!Number.isInteger(desired) || desired < min || desired > max) {
    throw propError('compute', 'GatewayCompute.fargate({ desiredCount }) must lie between minCapacity and maxCapacity',
      `desiredCount ${desired} with ${min}..${max}`, 'omit desiredCount to start with minCapacity tasks');
  }
}

function validateTargets(cpuPercent: number | undefined, requestsPerTarget: number | undefined): void {
  if (cpuPercent !== undefined && !Token.isUnresolved(cpuPercent) && !(cpuPercent >= 1 && cpuPercent <= 100)) {
    throw propError('compute', 'GatewayCompute.fargate({ targetCpuUtilizationPercent }) must be a percentage from 1 to 100', String(cpuPercent),
      'pick the average CPU utilization to aim for, e.g. 70');
  }
  if (requestsPerTarget !== undefined && !Token.isUnresolved(requestsPerTarget) && !(Number.isInteger(requestsPerTarget) && requestsPerTarget >= 1)) {
    throw propError('compute', 'GatewayCompute.fargate({ requestsPerTarget }) must be a positive integer', String(requestsPerTarget),
      'pick the requests per task per minute to aim for, e.g. 600');
  }
}
