import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

export interface GatewayLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly internetFacing: boolean;
  readonly certificate?: acm.ICertificate;
  readonly ingressPeers: ec2.IPeer[];
  readonly idleTimeout: Duration;
  readonly deletionProtection?: boolean;
}

/**
 * The Application Load Balancer in front of the proxy: one HTTP listener, or an HTTPS listener
 * plus a plain-HTTP listener that only redirects to HTTPS. Ingress comes only from the given peers.
 */
export class GatewayLoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: GatewayLoadBalancerProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Bedrock Access Gateway load balancer',
      // Egress is opened per target by the listener (Fargate port); Lambda targets need none.
      allowAllOutbound: false,
    });
    const ports = props.certificate ? [80, 443] : [80];
    for (const peer of props.ingressPeers) {
      for (const port of ports) {
        this.securityGroup.addIngressRule(peer, ec2.Port.tcp(port), `Clients on port ${port}`);
      }
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: props.internetFacing,
      securityGroup: this.securityGroup,
      idleTimeout: props.idleTimeout,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
    });

    if (props.certificate) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
      });
    }
  }
}
