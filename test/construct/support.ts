import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expect } from 'vitest';
import { cfnLint, cfnLintAvailable } from '../support/cfn-lint';

/** A fresh stack in its own app, environment-agnostic unless `env` is given. */
export function newStack(env?: { account: string; region: string }): Stack {
  return new Stack(new App(), 'Stack', { env });
}

/** cdk-nag AwsSolutions findings that are not acknowledged, as "rule at construct path". */
export function nagFindings(stack: Stack): string[] {
  return new AwsSolutionsChecks().validateScope(stack).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}`));
}

/**
 * Synthesizes the stack and checks what every gateway stack must satisfy: no unacknowledged
 * cdk-nag finding and, where cfn-lint is installed, no cfn-lint error.
 */
export function synthClean(stack: Stack): Template {
  expect(nagFindings(stack)).toEqual([]);
  const template = Template.fromStack(stack);
  if (cfnLintAvailable) {
    const lint = cfnLint(template.toJSON());
    expect(lint.hasErrors, lint.output).toBe(false);
  }
  return template;
}
