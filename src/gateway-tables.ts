import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeTableKeyActions } from './nag';

/** The limiter updates its counters atomically (`ADD`, conditions) and reads them from the update's answer. */
const LIMITS_ACTIONS = ['dynamodb:UpdateItem'];

/** Stored responses are read, written, updated and deleted by key. */
const RESPONSES_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** Which tables the gateway needs and how they are kept. */
export interface GatewayTablesProps {
  /** Creates the limits table (limit counters shared by every instance). */
  readonly limits: boolean;
  /** Creates the responses table (stored Responses-API responses). */
  readonly responses: boolean;
  readonly removalPolicy: RemovalPolicy;
  /** A customer managed KMS key for both tables; without one, DynamoDB's AWS managed key (`aws/dynamodb`). */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The gateway's DynamoDB tables: the limits table (`LIMITS_TABLE_NAME`) and the responses table
 * (`RESPONSES_TABLE_NAME`, or `RESPONSES_STORE=none` when responses are not stored). Both have a
 * String partition key `pk`, TTL on `expiresAt`, on-demand billing, encryption at rest and
 * point-in-time recovery.
 */
export class GatewayTables extends Construct {
  public readonly limitsTable?: dynamodb.Table;
  public readonly responsesTable?: dynamodb.Table;
  /** Environment variables naming the tables for the proxy. */
  public readonly environment: { [key: string]: string };
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: GatewayTablesProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.limitsTable = props.limits ? this.table('Limits', props) : undefined;
    this.responsesTable = props.responses ? this.table('Responses', props) : undefined;
    this.environment = {
      ...(this.limitsTable ? { LIMITS_TABLE_NAME: this.limitsTable.tableName } : {}),
      ...(this.responsesTable ? { RESPONSES_TABLE_NAME: this.responsesTable.tableName } : { RESPONSES_STORE: 'none' }),
    };
  }

  /** Item access to exactly these tables, each with the actions the proxy uses on it (and their customer managed key, if any). */
  public grantItemAccess(role: iam.IRole): void {
    if (this.limitsTable) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'LimitCounters', actions: LIMITS_ACTIONS, resources: [this.limitsTable.tableArn] }));
    }
    if (this.responsesTable) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'StoredResponses', actions: RESPONSES_ACTIONS, resources: [this.responsesTable.tableArn] }));
    }
    if (this.encryptionKey && (this.limitsTable || this.responsesTable)) {
      this.encryptionKey.grantEncryptDecrypt(role);
      acknowledgeTableKeyActions(role);
    }
  }

  private table(id: string, props: GatewayTablesProps): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
    });
  }
}
