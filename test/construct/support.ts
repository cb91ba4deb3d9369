import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { afterAll, expect } from 'vitest';
import { BedrockAccessGateway } from '../../src';
import { cfnLint, cfnLintAvailable } from '../support/cfn-lint';

/** A fresh stack in its own app, environment-agnostic unless `env` is given. */
export function newStack(env?: { account: string; region: string }): Stack {
  return new Stack(new App(), 'Stack', { env });
}

/** The compliance packs every gateway is held to, besides AwsSolutions. */
const COMPLIANCE_PACKS = [new NIST80053R5Checks(), new HIPAASecurityChecks()];

/**
 * cdk-nag findings that are not acknowledged, as "rule at construct path": AwsSolutions for the whole stack; NIST 800-53 rev 5
 * and HIPAA Security for what every gateway in it creates (test fixtures beside it stand for the user's resources).
 * The stack is synthesized first: aspects (role settings, encryption at rest) change resources only then.
 */
export function nagFindings(stack: Stack): string[] {
  Template.fromStack(stack);
  const gateways = stack.node.findAll().filter((c) => c instanceof BedrockAccessGateway).map((c) => `${c.node.path}/`);
  const findings = (pack: NagPack, inScope: (path: string) => boolean) => pack.validateScope(stack).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => resource.constructPath ?? resource.resourceLogicalId ?? '')
      .filter(inScope).map((path) => `${violation.ruleName} at ${path}`));
  return [
    ...findings(new AwsSolutionsChecks(), () => true),
    ...COMPLIANCE_PACKS.flatMap((pack) => findings(pack, (path) => gateways.some((gateway) => path.startsWith(gateway)))),
  ];
}

/**
 * Returns `synthClean(stack)` for one test file: it asserts that the stack has no unacknowledged
 * cdk-nag finding (of the three packs) and returns its template; every template is also linted with cfn-lint
 * (where installed) in one run after the file's tests, which fails the file on any error.
 */
export function useSynthChecks(): (stack: Stack) => Template {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-templates-'));
  let count = 0;
  afterAll(() => {
    try {
      if (!cfnLintAvailable || count === 0) return;
      const lint = cfnLint(join(dir, '*.json'));
      expect(lint.hasErrors, lint.output).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return (stack) => {
    expect(nagFindings(stack)).toEqual([]);
    const template = Template.fromStack(stack);
    writeFileSync(join(dir, `template-${++count}.json`), JSON.stringify(template.toJSON()));
    return template;
  };
}

/** Subnet ids of {@link existingVpc}, valid enough for cfn-lint. */
export const SUBNETS = {
  public: ['subnet-0a0000000000000a1', 'subnet-0a0000000000000a2'],
  private: ['subnet-0b0000000000000b1', 'subnet-0b0000000000000b2'],
  isolated: ['subnet-0c0000000000000c1', 'subnet-0c0000000000000c2'],
};

/** Route table ids of the {@link SUBNETS}, one per subnet. */
export const ROUTE_TABLES = {
  public: ['rtb-0a0000000000000a1', 'rtb-0a0000000000000a2'],
  private: ['rtb-0b0000000000000b1', 'rtb-0b0000000000000b2'],
  isolated: ['rtb-0c0000000000000c1', 'rtb-0c0000000000000c2'],
};

/** Which subnet tiers an {@link existingVpc} has, and whether their route tables are known. */
export interface VpcTiers {
  readonly public?: boolean;
  readonly private?: boolean;
  readonly isolated?: boolean;
  readonly routeTables?: boolean;
}

/**
 * An imported VPC with public subnets (unless `public` is false) and, as asked, private (with egress) and
 * isolated ones; with `routeTables`, the subnets' route table ids are known too.
 */
export function existingVpc(stack: Stack, tiers: VpcTiers = { private: true }): ec2.IVpc {
  const tier = (name: keyof typeof SUBNETS, wanted: boolean | undefined) => wanted ? SUBNETS[name] : undefined;
  const tables = (name: keyof typeof SUBNETS, wanted: boolean | undefined) => wanted && tiers.routeTables ? ROUTE_TABLES[name] : undefined;
  return ec2.Vpc.fromVpcAttributes(stack, 'ExistingVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    publicSubnetIds: tier('public', tiers.public ?? true),
    publicSubnetRouteTableIds: tables('public', tiers.public ?? true),
    privateSubnetIds: tier('private', tiers.private),
    privateSubnetRouteTableIds: tables('private', tiers.private),
    isolatedSubnetIds: tier('isolated', tiers.isolated),
    isolatedSubnetRouteTableIds: tables('isolated', tiers.isolated),
  });
}

/** The statements of the IAM policy attached to the role the proxy runs as (Lambda role or Fargate task role). */
export function proxyRoleStatements(template: Template): unknown[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    /^Gateway(LambdaRole|FargateTaskDefinitionTaskRole)DefaultPolicy/.test(policy.Properties.PolicyName));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** The statements of the proxy's policy about its keys: not logs, Bedrock or tables. */
export function proxyKeyStatements(template: Template): unknown[] {
  return proxyRoleStatements(template).filter((s) => !/^(logs|bedrock|dynamodb):/.test(String([(s as { Action: string | string[] }).Action].flat()[0])));
}

/** `arn:<partition>:<rest>` as CloudFormation renders an ARN built from pseudo parameters. */
export function cfnArn(...parts: unknown[]): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] };
}

/** A `Ref` or `Fn::GetAtt` inside a CloudFormation value. */
export type CfnReference = { readonly 'Ref'?: string; readonly 'Fn::GetAtt'?: [string, string] };

/**
 * A CloudFormation string value (a literal or an `Fn::Join`, nested or not) as one string, with each
 * reference replaced by `reference(node)`: what the deployment would put there, or a placeholder.
 */
export function joinCfnString(value: unknown, reference: (node: CfnReference) => string): string {
  if (typeof value === 'string') return value;
  const joined = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (joined) return joined[1].map((part) => joinCfnString(part, reference)).join(joined[0]);
  return reference(value as CfnReference);
}
