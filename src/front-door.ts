import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Edge limits API Gateway enforces on a usage plan: requests per second with a burst, and a request quota. */
export interface EdgeLimits {
  /**
   * Steady-state requests per second.
   * @default - the stage's throttling (`throttlingRateLimit`)
   */
  readonly rateLimit?: number;

  /**
   * Requests that may arrive at once above `rateLimit`.
   * @default - the stage's throttling (`throttlingBurstLimit`)
   */
  readonly burstLimit?: number;

  /**
   * Requests allowed per `quotaPeriod`; beyond it API Gateway answers 429 until the period ends.
   * @default - no quota
   */
  readonly quota?: number;

  /**
   * The period `quota` counts over.
   * @default apigateway.Period.MONTH
   */
  readonly quotaPeriod?: apigateway.Period;
}

/** A usage plan of its own for one gateway key, by the key's name. */
export interface KeyUsagePlan extends EdgeLimits {
  /**
   * The name of the gateway key (`default` for the single key of the `apiKey` prop, or a name from the keys document).
   */
  readonly keyName: string;
}

/** Settings of the API Gateway front door. */
export interface ApiGatewayFrontDoorOptions {
  /**
   * Who can reach the API: anyone over the internet, or only clients in a VPC through an `execute-api` interface endpoint.
   * @default ApiGatewayEndpoint.regional()
   */
  readonly endpoint?: ApiGatewayEndpoint;

  /**
   * ARN of an AWS WAF web ACL (scope REGIONAL) to associate with the API's stage.
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Requests per second the stage accepts in total (every key together).
   * @default 100
   */
  readonly throttlingRateLimit?: number;

  /**
   * Requests that may arrive at once above `throttlingRateLimit`.
   * @default 200
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Whether API Gateway traces requests with AWS X-Ray.
   * @default false
   */
  readonly tracing?: boolean;

  /**
   * How long API Gateway keeps the authorizer's answer for one Authorization header (0 to 1 hour). A revoked key
   * stays accepted at the edge for up to this long; the proxy behind it checks the key again within its own key cache TTL.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;

  /**
   * Usage plans of their own for keys that need other edge limits than the default plan, by key name.
   * @default - every key shares the default plan
   */
  readonly usagePlans?: KeyUsagePlan[];

  /**
   * Edge limits of the plan shared by the keys without a plan of their own (including keys added to a keys document
   * after deployment).
   * @default - no limits beyond the stage's throttling
   */
  readonly defaultUsagePlan?: EdgeLimits;
}

/**
 * How clients reach the API Gateway front door.
 */
export abstract class ApiGatewayEndpoint {
  /** A regional endpoint on the internet: `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  public static regional(): ApiGatewayEndpoint {
    return new RegionalEndpoint();
  }

  /**
   * A private endpoint reachable only through an `execute-api` interface VPC endpoint; a resource policy refuses
   * every request that comes another way. Without `vpcEndpoint`, one is created in the gateway's `vpc` (with private
   * DNS, open to the VPC's address range on port 443).
   *
   * @param vpcEndpoint an existing `execute-api` interface endpoint; default: a new one in the `vpc` prop
   */
  public static privateEndpoint(vpcEndpoint?: ec2.IInterfaceVpcEndpoint): ApiGatewayEndpoint {
    return new PrivateEndpoint(vpcEndpoint);
  }

  /** Whether the API is private. @internal */
  public abstract readonly _private: boolean;
  /** The given interface endpoint of a private API. @internal */
  public abstract readonly _vpcEndpoint?: ec2.IInterfaceVpcEndpoint;
}

class RegionalEndpoint extends ApiGatewayEndpoint {
  public readonly _private = false;
  public readonly _vpcEndpoint = undefined;
}

class PrivateEndpoint extends ApiGatewayEndpoint {
  public readonly _private = true;
  constructor(public readonly _vpcEndpoint?: ec2.IInterfaceVpcEndpoint) {
    super();
  }
}

/**
 * How clients reach the gateway.
 */
export abstract class GatewayFrontDoor {
  /**
   * An Application Load Balancer (the VPC, listener and security group of the `vpc`, `internetFacing`,
   * `certificate`, `ingressPeers` and `idleTimeout` props). Works with Lambda and Fargate; from Lambda, answers
   * arrive whole (the load balancer buffers them, up to 1 MB) and streams arrive at once when complete.
   */
  public static loadBalancer(): GatewayFrontDoor {
    return new LoadBalancerFrontDoor();
  }

  /**
   * An API Gateway REST API with Lambda compute: answers stream token by token (response streaming, up to 15
   * minutes), a Lambda authorizer checks the Bearer key, usage plans throttle and cap each key at the edge (429), and
   * requests may be up to 10 MB. No VPC or load balancer is created. `certificate` with `domainName` adds a custom domain.
   * Not available with Fargate compute.
   *
   * @param options endpoint type, WAF, throttling, tracing, authorizer cache and usage plans
   */
  public static apiGateway(options: ApiGatewayFrontDoorOptions = {}): GatewayFrontDoor {
    return new ApiGatewayFrontDoor(options);
  }

  /** The API Gateway settings; undefined for the load balancer. @internal */
  public abstract readonly _apiGateway?: ApiGatewayFrontDoorOptions;
}

class LoadBalancerFrontDoor extends GatewayFrontDoor {
  public readonly _apiGateway = undefined;
}

class ApiGatewayFrontDoor extends GatewayFrontDoor {
  constructor(public readonly _apiGateway: ApiGatewayFrontDoorOptions) {
    super();
  }
}
