import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ClientSettings } from '../create-deps';
import { CounterStore } from './counter-store';

/**
 * Counters in a DynamoDB table (partition key `pk`, TTL attribute `expiresAt` in epoch seconds), shared by every
 * instance: each change is one atomic `UpdateItem ADD`, conditional when it must stay under a maximum.
 */
export class DynamoDbCounterStore implements CounterStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async addUpTo(id: string, amount: number, max: number, expiresAt: Date): Promise<number | undefined> {
    try {
      return await this.update(id, amount, expiresAt, max - amount);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  add(id: string, amount: number, expiresAt: Date): Promise<number> {
    return this.update(id, amount, expiresAt);
  }

  private async update(id: string, amount: number, expiresAt: Date, atMost?: number): Promise<number> {
    const out = await this.client.send(new UpdateItemCommand({
      TableName: this.tableName,
      Key: { pk: { S: id } },
      UpdateExpression: 'ADD #value :amount SET expiresAt = :expiresAt',
      ...(atMost === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#value) OR #value <= :atMost' }),
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: {
        ':amount': { N: String(amount) },
        ':expiresAt': { N: String(Math.ceil(expiresAt.getTime() / 1000)) },
        ...(atMost === undefined ? {} : { ':atMost': { N: String(atMost) } }),
      },
      ReturnValues: 'ALL_NEW',
    }));
    return Number(out.Attributes?.value?.N ?? 0);
  }
}

/** The store of LIMITS_TABLE_NAME with its own client (create-deps loads this module only when the table is set). */
export function dynamoDbCounterStore(settings: ClientSettings, tableName: string): DynamoDbCounterStore {
  return new DynamoDbCounterStore(new DynamoDBClient(settings), tableName);
}
