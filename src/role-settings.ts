import { Aspects, IAspect, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { GatewayRoleOptions } from './role-options';
import { propError } from './validation';

/** IAM role paths: "/" or "/<printable ASCII>/", at most 512 characters. */
const ROLE_PATH = /^\/([\x21-\x7E]*\/)?$/;

/** Characters IAM allows in role names. */
const ROLE_NAME_PREFIX = /^[\w+=,.@-]{1,32}$/;

/**
 * Applies the role settings to every role under `scope`, including roles added later by other parts of
 * the construct and roles created by CDK itself (an aspect runs over the whole tree at synthesis).
 */
export function applyRoleOptions(scope: IConstruct, options: GatewayRoleOptions | undefined): void {
  if (!options) return;
  const { path, namePrefix, permissionsBoundary } = options;
  if (path !== undefined && !Token.isUnresolved(path) && !(ROLE_PATH.test(path) && path.length <= 512)) {
    throw propError('roles', 'path must be "/" or start and end with "/", in printable ASCII without blanks', `"${path}"`, 'use a path such as "/gateway/"');
  }
  if (namePrefix !== undefined && !Token.isUnresolved(namePrefix) && !ROLE_NAME_PREFIX.test(namePrefix)) {
    throw propError('roles', 'namePrefix must be 1 to 32 letters, digits or "+=,.@_-"', `"${namePrefix}"`,
      'use a prefix such as "app-gateway-", leaving room for the unique part of the name');
  }
  if (permissionsBoundary) iam.PermissionsBoundary.of(scope).apply(permissionsBoundary);
  if (path !== undefined || namePrefix !== undefined) Aspects.of(scope).add(new RoleNaming(path, namePrefix));
}

class RoleNaming implements IAspect {
  constructor(private readonly path?: string, private readonly namePrefix?: string) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnRole)) return;
    // An unnamed L2 role holds a name token that resolves to nothing.
    const unset = (value: string | undefined) => Stack.of(node).resolve(value) === undefined;
    if (this.path !== undefined && unset(node.path)) node.path = this.path;
    if (this.namePrefix !== undefined && unset(node.roleName)) {
      node.roleName = `${this.namePrefix}${Names.uniqueResourceName(node, { maxLength: 64 - this.namePrefix.length })}`;
    }
  }
}
