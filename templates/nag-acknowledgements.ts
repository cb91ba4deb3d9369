import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions) findings the one-click templates accept, each with its reason.
 * The gateway acknowledges its own; these come from what the templates add to it.
 */

/** The ECR pull grant of the Fargate templates' execution role (the gateway acknowledges the token's "*"). */
export function acknowledgeImagePull(executionRole: IConstruct): void {
  // The finding id holds an ARN with several "::", which Validations.acknowledge() rejects in aws-cdk-lib 2.258
  // (cdklabs/cdk-nag#2359): record the same metadata it would write, which cdk-nag reads.
  executionRole.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, {
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*]':
      'The image comes from the ContainerImageUri parameter, so its repository is known only at launch: the execution role may '
      + 'pull (read-only) from the ECR repositories of this account and region, and from no other.',
  });
}
