import { spawn } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { freePort, stopProcess, waitForHttp } from './local-server';
import { toolAvailable } from './tools';

export const motoAvailable = toolAvailable('moto_server', 'REQUIRE_MOTO');

/** A moto_server on a free loopback port, for Secrets Manager, SSM, DynamoDB, S3, CloudFormation and EC2. */
export interface Moto {
  /** e.g. http://127.0.0.1:41234; pass as `endpoint` to AWS SDK clients. */
  readonly endpoint: string;
  /** Client settings for moto: endpoint, region and dummy credentials. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
}

export async function startMoto(region = 'us-east-1'): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(`${endpoint}/moto-api/`, child, 'moto_server');
  return {
    endpoint,
    clientConfig: { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    stop: () => stopProcess(child),
  };
}

/**
 * Creates a table shaped like the gateway's tables, limit counters and stored responses alike (partition key `pk`, TTL
 * `expiresAt`, on demand); returns its name.
 */
export async function createCounterTable(moto: Moto, name: string): Promise<string> {
  const client = new DynamoDBClient(moto.clientConfig);
  await client.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
  client.destroy();
  return name;
}
