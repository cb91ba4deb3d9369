import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { propError } from './validation';

/** What the gateway's compute must reach inside the VPC, and from where. */
export interface VpcEndpointContext {
  readonly vpc: ec2.IVpc;
  /** Subnets of the compute: interface endpoints go there (one per AZ), gateway endpoints into their route tables. */
  readonly subnets: ec2.SubnetSelection;
  /** The compute, admitted to the interface endpoints on HTTPS. */
  readonly compute: ec2.IConnectable;
  /** Interface endpoints the compute needs (Bedrock, the key's store, and for Fargate ECR and CloudWatch Logs). */
  readonly services: ec2.InterfaceVpcEndpointAwsService[];
}

/**
 * The VPC endpoints through which the proxy reaches AWS when its subnets have no route to the internet
 * (no NAT gateway): Bedrock, Secrets Manager or SSM, and with Fargate ECR and CloudWatch Logs, plus
 * gateway endpoints for S3 (image layers) and DynamoDB (the gateway's tables).
 */
export abstract class GatewayVpcEndpoints {
  /**
   * Creates the endpoints the configuration needs, in the compute subnets: interface endpoints for
   * `bedrock-runtime`, `bedrock`, `secretsmanager` or `ssm` (wherever the key lives) and, with Fargate,
   * `ecr.api`, `ecr.dkr` and `logs` (Lambda ships its logs itself); gateway endpoints for S3 and DynamoDB.
   * The interface endpoints admit only the proxy, on port 443, and have private DNS on, so the proxy's
   * AWS clients use them without configuration. Compute then runs in private or isolated subnets: a new
   * VPC gets isolated subnets for it, and a Lambda function runs in the VPC.
   *
   * Use one set per VPC: private DNS names can be claimed by one endpoint per service and VPC.
   */
  public static create(): GatewayVpcEndpoints {
    return new CreatedEndpoints();
  }

  /**
   * Uses interface endpoints that already exist in the VPC (with private DNS on): the proxy is admitted
   * to each on port 443. Gateway endpoints (S3, DynamoDB) need no admission; they must route the
   * compute subnets. Compute runs in private or isolated subnets, as with `create()`.
   *
   * @param endpoints the existing interface endpoints, e.g. from `InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes`
   */
  public static fromExisting(endpoints: ec2.IInterfaceVpcEndpoint[]): GatewayVpcEndpoints {
    return new ExistingEndpoints(endpoints);
  }

  /**
   * Creates or admits the endpoints under `scope`.
   * @internal
   */
  public abstract _bind(scope: Construct, context: VpcEndpointContext): void;
}

class CreatedEndpoints extends GatewayVpcEndpoints {
  public _bind(scope: Construct, context: VpcEndpointContext): void {
    const securityGroup = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', {
      vpc: context.vpc,
      description: 'Bedrock Access Gateway VPC endpoints: HTTPS from the proxy only',
      allowAllOutbound: false,
    });
    securityGroup.connections.allowFrom(context.compute, ec2.Port.tcp(443), 'The proxy calls AWS APIs');
    const subnets = { ...context.subnets, onePerAz: true };
    for (const service of context.services) {
      new ec2.InterfaceVpcEndpoint(scope, `Endpoint-${service.shortName}`, {
        vpc: context.vpc,
        service,
        subnets,
        securityGroups: [securityGroup],
        privateDnsEnabled: true,
        open: false,
      });
    }
    checkRouteTables(context.vpc, context.subnets);
    new ec2.GatewayVpcEndpoint(scope, 'Endpoint-s3', { vpc: context.vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [context.subnets] });
    new ec2.GatewayVpcEndpoint(scope, 'Endpoint-dynamodb', {
      vpc: context.vpc,
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [context.subnets],
    });
  }
}

class ExistingEndpoints extends GatewayVpcEndpoints {
  constructor(private readonly endpoints: ec2.IInterfaceVpcEndpoint[]) {
    super();
  }

  public _bind(_scope: Construct, context: VpcEndpointContext): void {
    if (this.endpoints.length === 0) {
      throw propError('vpcEndpoints', 'GatewayVpcEndpoints.fromExisting() needs the interface endpoints the proxy uses', '[]',
        'list the endpoints, or use GatewayVpcEndpoints.create()');
    }
    for (const endpoint of this.endpoints) {
      endpoint.connections.allowFrom(context.compute, ec2.Port.tcp(443), 'The Bedrock Access Gateway proxy calls AWS APIs');
    }
  }
}

/** Gateway endpoints are routes: the compute subnets' route tables must be known (imported subnets may lack them). */
function checkRouteTables(vpc: ec2.IVpc, selection: ec2.SubnetSelection): void {
  const missing = vpc.selectSubnets(selection).subnets.filter((subnet) => subnet.routeTable?.routeTableId === undefined);
  if (missing.length > 0) {
    throw propError('vpcEndpoints', 'the S3 and DynamoDB gateway endpoints need the route tables of the compute subnets, and the VPC does not name them',
      missing.map((subnet) => subnet.subnetId).join(', '),
      'import the VPC with its route table ids (e.g. isolatedSubnetRouteTableIds in Vpc.fromVpcAttributes, or Vpc.fromLookup)');
  }
}
