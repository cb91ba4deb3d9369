import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../support/local-server';

/** A bundled server entry point running as its own process on a loopback port. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** e.g. http://127.0.0.1:41234/api/v1 */
  readonly baseURL: string;
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts `node script` with only PATH, HOST, PORT and `env` in its environment; resolves once it listens. */
export async function startServerProcess(script: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  while (!out.includes('Server listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) child.kill('SIGKILL');
      throw new Error(`server did not start:\n${out}${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const origin = `http://127.0.0.1:${port}`;
  return { child, baseURL: `${origin}/api/v1`, origin, stdout: () => out, stderr: () => err, exited };
}
