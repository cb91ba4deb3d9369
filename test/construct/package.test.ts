import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(__dirname, '..', '..');
/** lib/ exists once jsii has compiled (`npx projen compile`, part of the build before tests). */
const compiled = existsSync(join(root, 'lib', 'index.js'));

/** The commands a projen task runs, in order, with the tasks it spawns expanded (conditions ignored: every branch). */
function taskCommands(name: string): string[] {
  const tasks = JSON.parse(readFileSync(join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
  const expand = (task: string): string[] => (tasks[task].steps ?? []).flatMap((step: { spawn?: string; exec?: string; execArgs?: string[] }) =>
    step.spawn ? expand(step.spawn) : [step.exec ?? step.execArgs!.join(' ')]);
  return expand(name);
}

/** Paths of the files `npm pack` would put in the tarball. */
function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(output) as { files: { path: string }[] }[])[0].files.map((file) => file.path);
}

describe('the npm package', () => {
  test('ships the bundled proxy and none of its sources', () => {
    // WHEN
    const files = packedFiles();
    // THEN
    expect(files).toEqual(expect.arrayContaining(['assets/lambda/index.js', 'assets/container/server.js', 'assets/container/Dockerfile']));
    expect(files.filter((file) => /^(lambda|test|scripts|templates|src)\//.test(file))).toEqual([]);
  });

  test.each(['package:js', 'package', 'build'])('the %s task bundles the proxy before jsii-pacmak packs the tarball', (task) => {
    // WHEN
    const commands = taskCommands(task);
    // THEN
    const bundle = commands.findIndex((command) => command.includes('scripts/bundle-proxy.ts'));
    const packs = commands.flatMap((command, i) => command.startsWith('jsii-pacmak') ? [i] : []);
    expect(packs.length).toBeGreaterThan(0);
    expect(bundle).toBeGreaterThanOrEqual(0);
    for (const pack of packs) expect(commands.slice(0, pack).some((command) => command.includes('scripts/bundle-proxy.ts'))).toBe(true);
  });

  test.skipIf(!compiled)('ships the compiled construct library', () => {
    expect(packedFiles()).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii']));
  });

  test('has no runtime dependency on the proxy\'s libraries: they are bundled', () => {
    // GIVEN
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    // THEN
    const runtime = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.bundledDependencies });
    expect(runtime.filter((name) => /^(fastify|@fastify\/|@aws-sdk\/|@smithy\/)/.test(name))).toEqual([]);
    expect(runtime.sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });
});
