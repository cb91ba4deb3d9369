import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FargateComputeOptions, LambdaComputeOptions } from './compute-options';
import { FargateProxy } from './fargate-proxy';
import { LambdaProxy } from './lambda-proxy';

/** What the gateway hands to the compute it runs the proxy on. */
export interface ComputeContext {
  readonly vpc: ec2.IVpc;
  /** Subnets for the compute, when the user chose them (a Lambda function runs in the VPC only then). */
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
   * It runs outside the VPC unless `computeSubnets` places it in (private) subnets.
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
   * Builds the compute under `scope` and registers it with the listener.
   * @internal
   */
  public abstract _bind(scope: Construct, context: ComputeContext): ComputeBinding;
}

class LambdaCompute extends GatewayCompute {
  constructor(private readonly options: LambdaComputeOptions) {
    super();
  }

  public _bind(scope: Construct, context: ComputeContext): ComputeBinding {
    const proxy = new LambdaProxy(scope, 'Lambda', { ...this.options, ...context });
    return { role: proxy.role, function: proxy.function };
  }
}

class FargateCompute extends GatewayCompute {
  constructor(private readonly options: FargateComputeOptions) {
    super();
  }

  public _bind(scope: Construct, context: ComputeContext): ComputeBinding {
    const proxy = new FargateProxy(scope, 'Fargate', { ...this.options, ...context });
    return { role: proxy.service.taskDefinition.taskRole, service: proxy.service };
  }
}
