import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ComputeContext } from './compute-context';
import { FargateComputeOptions, LambdaComputeOptions } from './compute-options';
import { FargateProxy } from './fargate-proxy';
import { LambdaProxy } from './lambda-proxy';
import { propError } from './validation';

/** What the compute exposes once built. */
export interface ComputeBinding {
  /** The role the proxy runs as: Bedrock and key permissions are granted to it. */
  readonly role: iam.IRole;
  readonly function?: lambda.Function;
  readonly service?: ecs.FargateService;
  /** The compute's network access, when it runs in the VPC. */
  readonly connections?: ec2.Connections;
  /** AWS services the compute itself needs besides the proxy's (image pulls, log shipping), as VPC endpoint services. */
  readonly endpointServices: ec2.InterfaceVpcEndpointAwsService[];
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
    // Lambda ships the function's logs itself; a function outside the VPC has no connections.
    return { role: proxy.role, function: proxy.function, connections: context.subnets && proxy.function.connections, endpointServices: [] };
  }
}

class FargateCompute extends GatewayCompute {
  constructor(private readonly options: FargateComputeOptions) {
    super();
  }

  public _bind(scope: Construct, context: ComputeContext): ComputeBinding {
    if (!context.listener || !context.vpc) {
      // A REST API reaches a VPC only through a VPC link to a Network Load Balancer: a second load balancer in front of tasks the ALB already serves.
      throw propError('frontDoor', 'GatewayFrontDoor.apiGateway() runs the proxy on Lambda only', 'compute GatewayCompute.fargate()',
        'use GatewayFrontDoor.loadBalancer() (the default) with Fargate, or GatewayCompute.lambda() with API Gateway');
    }
    const proxy = new FargateProxy(scope, 'Fargate', { ...this.options, ...context, vpc: context.vpc, listener: context.listener });
    return {
      role: proxy.service.taskDefinition.taskRole,
      service: proxy.service,
      connections: proxy.service.connections,
      // Image pulls (layers come from S3, through its gateway endpoint) and the awslogs driver.
      endpointServices: [
        ec2.InterfaceVpcEndpointAwsService.ECR,
        ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
        ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      ],
    };
  }
}
