import { IConstruct } from 'constructs';
import { acknowledge } from '../src/nag';

/**
 * cdk-nag (AwsSolutions) findings the one-click templates accept, each with its reason.
 * The gateway acknowledges its own; these come from what the templates add to it.
 */

/** The ECR pull grant of the Fargate templates' execution role (the gateway acknowledges the token's "*"). */
export function acknowledgeImagePull(executionRole: IConstruct): void {
  acknowledge(executionRole, {
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*]',
    reason: 'The image comes from the ContainerImageUri parameter, so its repository is known only at launch: the execution role may '
      + 'pull (read-only) from the ECR repositories of this account and region, and from no other.',
  });
}
