import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, test } from 'vitest';
import { newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute, GatewayRoleOptions, GatewayVpcEndpoints } from '../../src';

const BOUNDARY_ARN = 'arn:aws:iam::123456789012:policy/workload-boundary';

/** What the tests read of a role. */
interface RoleResource {
  readonly Properties: { readonly PermissionsBoundary?: unknown; readonly Path?: string; readonly RoleName?: string };
}

/** Every IAM role of the template, by logical id. */
function roles(template: Template): [string, RoleResource][] {
  return Object.entries(template.findResources('AWS::IAM::Role')) as [string, RoleResource][];
}

describe('BedrockAccessGateway roles', () => {
  const synthClean = useSynthChecks();

  test.each([
    ['Lambda in a new VPC with endpoints', GatewayCompute.lambda(), 2],
    ['Fargate', GatewayCompute.fargate(), 3],
  ])('with %s every role gets the permissions boundary, the path and the name prefix', (_, compute, roleCount) => {
    // GIVEN
    const stack = newStack();
    const permissionsBoundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', BOUNDARY_ARN);
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      compute,
      vpcEndpoints: GatewayVpcEndpoints.create(),
      internetFacing: false,
      roles: { permissionsBoundary, path: '/gateway/', namePrefix: 'app-gw-' },
    });
    // THEN
    const template = synthClean(stack);
    const found = roles(template);
    // The proxy's role (or the task and execution roles) and the VPC flow log role.
    expect(found).toHaveLength(roleCount);
    for (const [, role] of found) {
      expect(role.Properties.PermissionsBoundary).toEqual(BOUNDARY_ARN);
      expect(role.Properties.Path).toEqual('/gateway/');
      expect(role.Properties.RoleName).toMatch(/^app-gw-[A-Za-z0-9]+$/);
      expect(role.Properties.RoleName!.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(found.map(([, role]) => role.Properties.RoleName)).size).toBe(roleCount);
  });

  test('without role options the roles keep CloudFormation\'s names, the root path and no boundary', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    for (const [, role] of roles(synthClean(stack))) {
      expect(role.Properties).not.toHaveProperty('PermissionsBoundary');
      expect(role.Properties).not.toHaveProperty('Path');
      expect(role.Properties).not.toHaveProperty('RoleName');
    }
  });

  test.each<[GatewayRoleOptions, string]>([
    [{ path: 'gateway' }, 'roles: path must be "/" or start and end with "/", in printable ASCII without blanks; received "gateway"; use a path such as "/gateway/"'],
    [{ path: '/my gateway/' }, 'roles: path must be "/" or start and end with "/", in printable ASCII without blanks; received "/my gateway/"; use a path such as "/gateway/"'],
    [{ namePrefix: 'gateway role ' }, 'roles: namePrefix must be 1 to 32 letters, digits or "+=,.@_-"; received "gateway role "; '
      + 'use a prefix such as "app-gateway-", leaving room for the unique part of the name'],
  ])('invalid role options %o fail at construction', (options, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { roles: options })).toThrow(message);
  });
});
