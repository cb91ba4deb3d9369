import { spawn } from 'node:child_process';
import { freePort, stopProcess, waitForHttp } from './local-server';
import { toolAvailable } from './tools';

export const motoAvailable = toolAvailable('moto_server', 'REQUIRE_MOTO');

/** A moto_server on a free loopback port, for Secrets Manager, SSM, S3, CloudFormation and EC2. */
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
