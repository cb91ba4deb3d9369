import { gunzipSync, gzipSync } from 'node:zlib';
import { AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand, GetItemCommandOutput, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ClientSettings } from '../create-deps';
import { OpenAIError } from '../errors';
import { ResponseStore, StoredResponse } from './response-store';

/** Bytes of compressed body per item: DynamoDB items hold at most 400 KB, attribute names included. */
const PART_BYTES = 350_000;
/** Parts per response (about 22 MB compressed); a larger conversation is refused rather than half stored. */
const MAX_PARTS = 64;

/**
 * Responses in a DynamoDB table shared by every Lambda instance and Fargate task (RESPONSES_TABLE_NAME): partition key
 * `pk` (`response#<id>`), the owner's key name, the gzip-compressed response and input in `body`, and `expiresAt`
 * (epoch seconds) for the table's TTL. A body over one item's limit is split over items `response#<id>#<n>`, written
 * before the head item so a reader never sees a response without all its parts. Reads are strongly consistent: a
 * response is retrievable as soon as it was returned, from any instance.
 */
export class DynamoDbResponseStore implements ResponseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async put(owner: string, stored: StoredResponse, signal?: AbortSignal): Promise<void> {
    const id = stored.response.id;
    const body = gzipSync(JSON.stringify(stored));
    const parts = Math.ceil(body.length / PART_BYTES);
    if (parts > MAX_PARTS) {
      throw new OpenAIError(400, `The conversation is too large to store (${body.length} bytes compressed); send store: false and resend the history instead of previous_response_id`, { param: 'store', code: 'response_too_large' });
    }
    const expiresAt = { N: String(Math.floor(this.now() / 1000) + this.ttlSeconds) };
    const chunk = (n: number) => ({ B: body.subarray(n * PART_BYTES, (n + 1) * PART_BYTES) });
    await Promise.all(Array.from({ length: parts - 1 }, (_, i) => this.send(new PutItemCommand({
      TableName: this.tableName,
      Item: { pk: { S: partKey(id, i + 1) }, body: chunk(i + 1), expiresAt },
    }), signal)));
    await this.send(new PutItemCommand({
      TableName: this.tableName,
      Item: { pk: { S: headKey(id) }, owner: { S: owner }, parts: { N: String(parts) }, body: chunk(0), expiresAt },
    }), signal);
  }

  async get(owner: string, id: string, signal?: AbortSignal): Promise<StoredResponse | undefined> {
    const head = await this.head(owner, id, signal);
    if (!head) return undefined;
    const parts = Number(head.parts.N);
    const rest = await Promise.all(Array.from({ length: parts - 1 }, async (_, i) => {
      const key = { pk: { S: partKey(id, i + 1) } };
      const out = await this.send<GetItemCommandOutput>(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }), signal);
      if (!out.Item?.body?.B) throw new Error(`stored response ${id} lacks part ${i + 1}`);
      return out.Item.body.B;
    }));
    return JSON.parse(gunzipSync(Buffer.concat([head.body.B!, ...rest])).toString('utf8')) as StoredResponse;
  }

  async delete(owner: string, id: string, signal?: AbortSignal): Promise<boolean> {
    const head = await this.head(owner, id, signal);
    if (!head) return false;
    await this.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: headKey(id) } } }), signal);
    await Promise.all(Array.from({ length: Number(head.parts.N) - 1 }, (_, i) =>
      this.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: partKey(id, i + 1) } } }), signal)));
    return true;
  }

  /**
   * One DynamoDB call. Its failures are the store's, never the client's: they become a plain error (a 500, the
   * DynamoDB error as its cause in the log), so that, say, a missing table is not taken for Bedrock's
   * ResourceNotFoundException and answered as an unknown model.
   */
  private async send<T = unknown>(command: PutItemCommand | GetItemCommand | DeleteItemCommand, abortSignal?: AbortSignal): Promise<T> {
    try {
      return await (this.client.send(command as never, { abortSignal }) as Promise<T>);
    } catch (err) {
      throw new Error(`response store: ${operationOf(command)} on ${this.tableName} failed`, { cause: err });
    }
  }

  /** The head item of the owner's response, unless it is missing, another key's or past its TTL (not yet swept). */
  private async head(owner: string, id: string, signal?: AbortSignal): Promise<Record<string, AttributeValue> | undefined> {
    const key = { pk: { S: headKey(id) } };
    const out = await this.send<GetItemCommandOutput>(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }), signal);
    const item = out.Item;
    if (!item || item.owner?.S !== owner) return undefined;
    if (Number(item.expiresAt?.N) <= Math.floor(this.now() / 1000)) return undefined;
    return item;
  }
}

/** The DynamoDB operation of a command, by its class (names do not survive minification). */
function operationOf(command: PutItemCommand | GetItemCommand | DeleteItemCommand): string {
  if (command instanceof PutItemCommand) return 'PutItem';
  return command instanceof GetItemCommand ? 'GetItem' : 'DeleteItem';
}

/** The store of RESPONSES_TABLE_NAME with its own client (create-deps loads this module only when the table is set). */
export function dynamoDbResponseStore(settings: ClientSettings, tableName: string, ttlSeconds: number): DynamoDbResponseStore {
  return new DynamoDbResponseStore(new DynamoDBClient(settings), tableName, ttlSeconds);
}

const headKey = (id: string) => `response#${id}`;
const partKey = (id: string, n: number) => `response#${id}#${n}`;
