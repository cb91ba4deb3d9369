import { Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';

/** A private ECR image: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag][@sha256:digest]`. */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** The repository a private ECR image URI names, or undefined for any other image name. */
export function ecrRepositoryOf(imageName: string): { account: string; region: string; repositoryName: string } | undefined {
  const match = ECR_IMAGE.exec(imageName);
  return match ? { account: match[1], region: match[2], repositoryName: match[3] } : undefined;
}

/**
 * Lets `role` pull images from the repositories `repositoryArn` matches: what `ecr.Repository.grantPull`
 * grants (the registry token has no resource-level permissions), for repositories known only by ARN.
 */
export function grantEcrPull(role: iam.IRole, repositoryArn: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'EcrLogin',
    actions: ['ecr:GetAuthorizationToken'],
    resources: ['*'],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'EcrPull',
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
    resources: [repositoryArn],
  }));
}

/**
 * An image given as a literal private ECR URI (`ContainerImage.fromRegistry('<account>.dkr.ecr…')`) gets no pull
 * permission from ECS, unlike `ContainerImage.fromEcrRepository`: grant the execution role pull on that repository.
 * Image names known only at deploy time (tokens) are left to the caller.
 */
export function grantPullOfEcrImageUri(container: ecs.ContainerDefinition): void {
  if (Token.isUnresolved(container.imageName)) return;
  const repository = ecrRepositoryOf(container.imageName);
  if (!repository) return;
  grantEcrPull(container.taskDefinition.obtainExecutionRole(), Stack.of(container).formatArn({
    service: 'ecr',
    account: repository.account,
    region: repository.region,
    resource: 'repository',
    resourceName: repository.repositoryName,
  }));
}
