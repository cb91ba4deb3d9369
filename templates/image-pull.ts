import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { acknowledgeImagePull } from './nag-acknowledgements';
import { grantEcrPull } from '../src/ecr-image-pull';

/**
 * Lets the tasks pull the image named by the ContainerImageUri parameter from a private ECR repository
 * of this account and region. Which repository is known only at launch (the URI is free text and may
 * also name a public registry, which needs no permission), so the grant covers the account's repositories,
 * read-only.
 */
export function allowPullFromAccountRepositories(service: ecs.FargateService): void {
  const executionRole = service.taskDefinition.obtainExecutionRole();
  grantEcrPull(executionRole, Stack.of(service).formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' }));
  acknowledgeImagePull(executionRole);
}
