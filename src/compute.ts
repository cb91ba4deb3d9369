import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FargateProxy } from './fargate-proxy';
import { LambdaProxy } from './lambda-proxy';

/** Settings of the Lambda function that runs the proxy. */
export interface LambdaComputeOptions {
  /**
   * Memory of the function in MiB (128 to 10240). More memory also means more CPU.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Longest time one request may run (at most 15 minutes). Keep it at or below the load
   * balancer's `idleTimeout`, which ends longer requests anyway.
   * @default Duration.seconds(600)
   */
  readonly timeout?: Duration;

  /**
   * Concurrent executions reserved for the function, which also caps it.
   * @default - no reservation: the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

/** Settings of the Fargate service that runs the proxy. */
export interface FargateComputeOptions {
  /**
   * vCPU units of a task: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of a task in MiB; must be a valid Fargate combination with `cpu`.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * Port the proxy listens on inside the container (handed to it as `PORT`).
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * Image of the proxy.
   * @default - the bundled proxy (`assets/container`), built for linux/arm64 at deploy time
   */
  readonly image?: ecs.ContainerImage;

  /**
   * Number of tasks at deployment.
   * @default - `minCapacity`
   */
  readonly desiredCount?: number;

  /**
   * Fewest tasks autoscaling keeps.
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most tasks autoscaling starts.
   * @default 4
   */
  readonly maxCapacity?: number;

  /**
   * Average CPU utilization (percent) autoscaling aims for.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Requests per task per minute autoscaling aims for.
   * @default 600
   */
  readonly requestsPerTarget?: number;
}

/** What the gateway hands to the compute it runs the proxy on. */
export interface ComputeContext {
  readonly vpc: ec2.IVpc;
  /** Subnets for the compute, when the user chose them. */
  readonly subnets?: ec2.SubnetSelection;
  readonly listener: elbv2.ApplicationListener;
  /** Settings for the proxy, as environment variables. */
  readonly environment: { [key: string]: string };
  readonly logRetention: logs.RetentionDays;
}

/** What the compute exposes once built. */
export interface ComputeBinding {
  /** The role the proxy runs as: Bedrock and key permissions are granted to it. */
  readonly role: iam.IRole;
  readonly function?: lambda.Function;
  readonly service?: ecs.FargateService;
}

/**
 * Where the proxy runs behind the load balancer: a Lambda function or a Fargate service.
 */
export abstract class GatewayCompute {
  /**
   * An arm64 Lambda function (Node.js 24) registered as the load balancer's target.
   * Cheapest when idle; responses are returned whole (the load balancer buffers Lambda responses).
   *
   * @param options function settings
   */
  public static lambda(options: LambdaComputeOptions = {}): GatewayCompute {
    return new LambdaCompute(options);
  }

  /**
   * An arm64 Fargate service with CPU and request-count autoscaling.
   * Streams responses as they are generated; has a constant cost for the running tasks.
   *
   * @param options service settings
   */
  public static fargate(options: FargateComputeOptions = {}): GatewayCompute {
    return new FargateCompute(options);
  }

  /**
   * Whether this compute runs in the VPC, in subnets the user may choose (`computeSubnets`).
   * @internal
   */
  public abstract readonly _runsInVpc: boolean;

  /**
   * Builds the compute under `scope` and registers it with the listener.
   * @internal
   */
  public abstract _bind(scope: Construct, context: ComputeContext): ComputeBinding;
}

class LambdaCompute extends GatewayCompute {
  public readonly _runsInVpc = false;

  constructor(private readonly options: LambdaComputeOptions) {
    super();
  }

  public _bind(scope: Construct, context: ComputeContext): ComputeBinding {
    const proxy = new LambdaProxy(scope, 'Lambda', { ...this.options, ...context });
    return { role: proxy.function.role!, function: proxy.function };
  }
}

class FargateCompute extends GatewayCompute {
  public readonly _runsInVpc = true;

  constructor(private readonly options: FargateComputeOptions) {
    super();
  }

  public _bind(scope: Construct, context: ComputeContext): ComputeBinding {
    const proxy = new FargateProxy(scope, 'Fargate', { ...this.options, ...context });
    return { role: proxy.service.taskDefinition.taskRole, service: proxy.service };
  }
}
