import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  test.skipIf(!compiled)('installed from the packed tarball, synthesizes in a fresh CDK app clean under the three cdk-nag packs', () => {
    // GIVEN: the tarball unpacked as npm installs it, beside the app's own aws-cdk-lib, constructs and cdk-nag
    const dir = mkdtempSync(join(tmpdir(), 'gateway-package-'));
    try {
      execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'ignore' });
      const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'))!;
      execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
      const modules = join(dir, 'app', 'node_modules');
      mkdirSync(modules, { recursive: true });
      renameSync(join(dir, 'package'), join(modules, 'cdk-bedrock-access-gateway'));
      for (const name of ['aws-cdk-lib', 'constructs', 'cdk-nag']) symlinkSync(join(root, 'node_modules', name), join(modules, name));
      // A user's app in plain JavaScript: Lambda behind an ALB (the default), Fargate, and Lambda behind API Gateway.
      writeFileSync(join(dir, 'app', 'app.js'), `
        const { App, Stack, Validations } = require('aws-cdk-lib');
        const nag = require('cdk-nag');
        const { BedrockAccessGateway, GatewayCompute, GatewayFrontDoor } = require('cdk-bedrock-access-gateway');
        const app = new App({ outdir: 'cdk.out' });
        Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app), new nag.NIST80053R5Checks(app), new nag.HIPAASecurityChecks(app));
        new BedrockAccessGateway(new Stack(app, 'Lambda'), 'Gateway');
        new BedrockAccessGateway(new Stack(app, 'Fargate'), 'Gateway', { compute: GatewayCompute.fargate() });
        new BedrockAccessGateway(new Stack(app, 'Api'), 'Gateway', { frontDoor: GatewayFrontDoor.apiGateway() });
        app.synth();`);
      // WHEN
      const synth = spawnSync(process.execPath, ['app.js'], { cwd: join(dir, 'app'), encoding: 'utf8' });
      // THEN: no pack reports a failure (synth then prints its validation report and exits with 1)
      expect(synth.status, synth.stderr).toBe(0);
      expect(synth.stderr).toMatch(/AwsSolutions\s*│ success[\s\S]*NIST\.800\.53\.R5\s*│ success[\s\S]*HIPAA\.Security\s*│ success/);
      // Every stack synthesized, with the bundled proxy as its code asset.
      const out = join(dir, 'app', 'cdk.out');
      expect(readdirSync(out).filter((file) => file.endsWith('.template.json')).sort()).toEqual(['Api.template.json', 'Fargate.template.json', 'Lambda.template.json']);
      const assets = readdirSync(out).filter((file) => file.startsWith('asset.'));
      expect(assets.some((asset) => existsSync(join(out, asset, 'index.js')))).toBe(true);
      expect(assets.some((asset) => existsSync(join(out, asset, 'Dockerfile')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
