import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions) findings the one-click templates accept, each with its reason.
 * The gateway acknowledges its own; these come from feeding it CloudFormation parameters.
 */
export function acknowledgeParameterIngress(loadBalancerSecurityGroup: IConstruct): void {
  Validations.of(loadBalancerSecurityGroup).acknowledge({
    id: 'AwsSolutions-EC23',
    reason: 'The client CIDR is the AllowedIngressCidr parameter, which cdk-nag cannot evaluate at synthesis. The person launching '
      + 'the stack chooses it; the default 0.0.0.0/0 serves an API meant for clients anywhere, and every request needs the API key.',
  });
}
