import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { propError } from './validation';

/**
 * A VPC sized for the gateway: two AZs and public subnets, no NAT gateway (the load balancer
 * faces the internet; Lambda runs outside the VPC; Fargate tasks get public IPs), plus isolated
 * subnets for an internal load balancer. Flow logs go to CloudWatch Logs.
 */
export function createVpc(scope: Construct, internetFacing: boolean, logRetention: logs.RetentionDays): ec2.Vpc {
  const subnetConfiguration: ec2.SubnetConfiguration[] = [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }];
  if (!internetFacing) {
    subnetConfiguration.push({ name: 'LoadBalancer', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 });
  }
  const vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration });
  const flowLogGroup = new logs.LogGroup(scope, 'VpcFlowLogs', { retention: logRetention });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup) });
  return vpc;
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
    return chosen;
  }
  if (internetFacing) return { subnetType: ec2.SubnetType.PUBLIC };
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  throw propError('internetFacing', 'an internal load balancer needs private or isolated subnets, and the given VPC has none',
    'false with a VPC of public subnets only', 'pass loadBalancerSubnets, or a VPC with private subnets, or set internetFacing to true');
}
