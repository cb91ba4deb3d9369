import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';

/** What the gateway hands to the compute it runs the proxy on. */
export interface ComputeContext {
  /** The gateway's VPC; undefined with the API Gateway front door unless the user gave one. */
  readonly vpc?: ec2.IVpc;
  /** Subnets for the compute, when the user chose them (a Lambda function runs in the VPC only then). */
  readonly subnets?: ec2.SubnetSelection;
  /** The load balancer's listener; undefined with the API Gateway front door (the function then streams its answers). */
  readonly listener?: elbv2.ApplicationListener;
  /** Settings for the proxy, as environment variables. */
  readonly environment: { [key: string]: string };
  readonly logRetention: logs.RetentionDays;
}
