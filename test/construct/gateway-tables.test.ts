import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, test } from 'vitest';
import { newStack, proxyRoleStatements, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';
import { GatewayTables } from '../../src/gateway-tables';

/** The proxy's statements about its tables. */
function tableStatements(template: Template): unknown[] {
  return proxyRoleStatements(template).filter((s) => /^(dynamodb|kms):/.test(String([(s as { Action: string | string[] }).Action].flat()[0])));
}

const RESPONSES_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

describe('BedrockAccessGateway tables', () => {
  const synthClean = useSynthChecks();

  test('by default: a responses table (on-demand, TTL expiresAt, encrypted, point-in-time recovery, retained) used by the proxy alone', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    const tables = template.findResources('AWS::DynamoDB::Table');
    const [responsesId] = Object.keys(tables);
    expect(Object.keys(tables)).toEqual([expect.stringMatching(/^GatewayTablesResponses/)]);
    expect(tables[responsesId]).toEqual({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { RESPONSES_TABLE_NAME: { Ref: responsesId }, RESPONSES_STORE: Match.absent(), LIMITS_TABLE_NAME: Match.absent() } },
    });
    expect(tableStatements(template)).toEqual([
      { Sid: 'StoredResponses', Action: RESPONSES_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [responsesId, 'Arn'] } },
    ]);
    expect(stack.resolve(gateway.responsesTable!.tableName)).toEqual({ Ref: responsesId });
    expect(gateway.limitsTable).toBeUndefined();
  });

  test('storeResponses false: no table, no table access, and the proxy is told to store nothing', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { storeResponses: false, compute: GatewayCompute.fargate() });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(tableStatements(template)).toEqual([]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'RESPONSES_STORE', Value: 'none' }]) })],
    });
    expect(gateway.responsesTable).toBeUndefined();
  });

  test('both tables with a removal policy of choice, each with exactly the actions the proxy uses on it', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      keys: [{ name: 'a', limits: { requestsPerMinute: 10 } }],
      tableRemovalPolicy: RemovalPolicy.DESTROY,
    });
    // THEN
    const template = synthClean(stack);
    const tables = template.findResources('AWS::DynamoDB::Table');
    const ids = Object.keys(tables);
    expect(ids).toEqual([expect.stringMatching(/^GatewayTablesLimits/), expect.stringMatching(/^GatewayTablesResponses/)]);
    for (const id of ids) {
      expect(tables[id]).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          SSESpecification: { SSEEnabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      });
    }
    expect(tableStatements(template)).toEqual([
      { Sid: 'LimitCounters', Action: 'dynamodb:UpdateItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids[0], 'Arn'] } },
      { Sid: 'StoredResponses', Action: RESPONSES_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids[1], 'Arn'] } },
    ]);
  });
});

describe('GatewayTables with a customer managed key', () => {
  const synthClean = useSynthChecks();

  test('both tables use the key, and the proxy may use the key for them', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // WHEN
    const tables = new GatewayTables(stack, 'Tables', { limits: true, responses: true, removalPolicy: RemovalPolicy.RETAIN, encryptionKey: key });
    tables.grantItemAccess(role);
    // THEN
    const template = synthClean(stack);
    const keyArn = { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'] };
    template.allResourcesProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } });
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Sid: 'LimitCounters', Action: 'dynamodb:UpdateItem' }),
      expect.objectContaining({ Sid: 'StoredResponses', Action: RESPONSES_ACTIONS }),
      expect.objectContaining({ Action: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']), Resource: keyArn }),
    ]);
    expect(tables.environment).toEqual({
      LIMITS_TABLE_NAME: tables.limitsTable!.tableName,
      RESPONSES_TABLE_NAME: tables.responsesTable!.tableName,
    });
  });
});
