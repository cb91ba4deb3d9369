import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNewVpc } from './nag';
import { propError } from './validation';

/** Name of the isolated subnet group a new VPC gets for the compute when the gateway creates VPC endpoints. */
export const COMPUTE_SUBNET_GROUP = 'Compute';

/** What shapes a new VPC. */
export interface NewVpcOptions {
  readonly internetFacing: boolean;
  /** The gateway creates VPC endpoints: the compute gets isolated subnets of its own and needs no public ones. */
  readonly privateCompute: boolean;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A VPC sized for the gateway: two AZs, no NAT gateway. Public subnets when the load balancer faces the
 * internet or the compute needs public IPs (Fargate without VPC endpoints; Lambda runs outside the VPC);
 * isolated subnets for an internal load balancer and for compute that reaches AWS through VPC endpoints.
 * Without public subnets there is no internet gateway at all. Flow logs go to CloudWatch Logs.
 */
export function createVpc(scope: Construct, options: NewVpcOptions): ec2.Vpc {
  const subnetConfiguration: ec2.SubnetConfiguration[] = [];
  if (options.internetFacing || !options.privateCompute) {
    // Nothing the gateway puts there needs an address assigned at launch (Fargate tasks ask for one themselves).
    subnetConfiguration.push({ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false });
  }
  if (!options.internetFacing) {
    subnetConfiguration.push({ name: 'LoadBalancer', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 });
  }
  if (options.privateCompute) {
    subnetConfiguration.push({ name: COMPUTE_SUBNET_GROUP, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 });
  }
  const vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration });
  const flowLogGroup = new logs.LogGroup(scope, 'VpcFlowLogs', { retention: options.logRetention });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup) });
  acknowledgeNewVpc(vpc, vpc.publicSubnets.length > 0);
  return vpc;
}

/**
 * Subnets of compute that reaches AWS through VPC endpoints: the compute group of a new VPC, else the
 * VPC's private subnets, or its isolated ones when it has no private ones.
 */
export function privateComputeSubnets(vpc: ec2.IVpc, createdVpc: boolean): ec2.SubnetSelection {
  if (createdVpc) return { subnetGroupName: COMPUTE_SUBNET_GROUP };
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  throw propError('vpcEndpoints', 'compute that reaches AWS through VPC endpoints needs private or isolated subnets, and the given VPC has none',
    'GatewayVpcEndpoints.create() with a VPC of public subnets only', 'pass a VPC with private or isolated subnets, or computeSubnets');
}

/**
 * Subnets of the load balancer: public ones when internet-facing, else private (with egress)
 * or isolated ones, whichever the VPC has.
 */
export function loadBalancerSubnets(vpc: ec2.IVpc, internetFacing: boolean, chosen?: ec2.SubnetSelection): ec2.SubnetSelection {
  if (chosen) {
    if (internetFacing && chosen.subnetType !== undefined && chosen.subnetType !== ec2.SubnetType.PUBLIC) {
      throw propError('loadBalancerSubnets', 'an internet-facing load balancer needs public subnets', `subnetType ${chosen.subnetType}`,
        'choose SubnetType.PUBLIC or set internetFacing to false');
    }
    return checkSubnetSelection('loadBalancerSubnets', vpc, chosen);
  }
  if (internetFacing) {
    if (vpc.publicSubnets.length === 0) {
      throw propError('internetFacing', 'an internet-facing load balancer needs public subnets, and the given VPC has none', 'true',
        'set internetFacing to false (or omit it) for an internal load balancer in the private or isolated subnets');
    }
    return { subnetType: ec2.SubnetType.PUBLIC };
  }
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  throw propError('internetFacing', 'an internal load balancer needs private or isolated subnets, and the given VPC has none',
    'false with a VPC of public subnets only', 'pass loadBalancerSubnets, or a VPC with private subnets, or set internetFacing to true');
}

/** Internet-facing unless told otherwise, or unless the given VPC has no public subnets (then internal). */
export function defaultInternetFacing(vpc: ec2.IVpc | undefined): boolean {
  return vpc === undefined || vpc.publicSubnets.length > 0;
}

/**
 * A subnet selection from the props, checked against the VPC: one that selects nothing fails naming
 * `prop` (CDK's own error does not say which prop), with the subnet types the VPC has.
 */
export function checkSubnetSelection(prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.SubnetSelection {
  try {
    if (vpc.selectSubnets(selection).subnets.length > 0) return selection;
  } catch {
    // CDK's own error (no subnet group of that type or name) is reported below, naming the prop.
  }
  throw propError(prop, 'selects no subnet of the VPC', describeSelection(selection),
    `choose one of the subnet types the VPC has: ${subnetTypesOf(vpc).join(', ') || 'none'}`);
}

function describeSelection(selection: ec2.SubnetSelection): string {
  if (selection.subnetType !== undefined) return `subnetType ${selection.subnetType}`;
  if (selection.subnetGroupName !== undefined) return `subnetGroupName "${selection.subnetGroupName}"`;
  return 'a subnet selection';
}

function subnetTypesOf(vpc: ec2.IVpc): string[] {
  return [
    [vpc.publicSubnets, 'SubnetType.PUBLIC'],
    [vpc.privateSubnets, 'SubnetType.PRIVATE_WITH_EGRESS'],
    [vpc.isolatedSubnets, 'SubnetType.PRIVATE_ISOLATED'],
  ].filter(([subnets]) => subnets.length > 0).map(([, name]) => name as string);
}
