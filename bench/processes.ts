import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { rssMb } from '../test/fuzz/hostile-traffic';

export const ROOT = join(__dirname, '..');
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** A child process with its stdout collected; `stop` sends SIGTERM and waits for the exit. */
export interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts `node script`; its stdout is collected, or discarded when `discardOutput` (e.g. a gateway's access log). */
export function spawnNode(script: string, env: Record<string, string>, discardOutput = false): Child {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', discardOutput ? 'ignore' : 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout?.on('data', (d) => { out += d; });
  return {
    process: child,
    output: () => out,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export async function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = child.output().match(pattern);
    if (match) return match;
    if (child.process.exitCode !== null || Date.now() > deadline) throw new Error(`child did not print ${pattern}:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Bundles a TypeScript entry (e.g. the emulator process) into a temporary CommonJS file. */
export function bundle(entry: string): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'bench-')), 'index.js');
  buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return outfile;
}

/** Peak resident set size of a process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return rssMb(pid, 'VmHWM');
}

/** CPU time a process has used so far (user + system), in milliseconds. */
export function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name (which may hold spaces) closes.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The value after `--name` on the command line, if given. */
export function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

/** The Bedrock emulator in its own process, with the endpoint it listens on. */
export async function startEmulatorProcess(env: Record<string, string> = {}): Promise<{ readonly child: Child; readonly endpoint: string }> {
  const child = spawnNode(bundle(join(__dirname, 'emulator-process.ts')), env);
  const endpoint = JSON.parse((await waitForOutput(child, /^\{.*\}$/m))[0]).endpoint as string;
  return { child, endpoint };
}

/** Open file descriptors of a process (sockets, pipes, files): its open handles as the kernel counts them. */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
