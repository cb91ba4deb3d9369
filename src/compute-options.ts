import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

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
   * Image of the proxy. For a private ECR image prefer `ContainerImage.fromEcrRepository(repository, tag)`,
   * which grants the pull; a literal ECR URI given to `ContainerImage.fromRegistry` gets pull permission on
   * that repository too. Other registries need `fromRegistry` with `credentials` unless they are public.
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
