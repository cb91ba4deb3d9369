import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesizeToTempDir, SynthesizedTemplates } from './support';
import { TEMPLATE_DEFAULTS } from '../../templates/defaults';
import { buildTemplateApp, writeTemplates } from '../../templates/synthesize';
import { TEMPLATE_VARIANTS } from '../../templates/variants';

const root = join(__dirname, '..', '..');

/** Paths of all files under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  const walk = (path: string): string[] => (statSync(path).isDirectory()
    ? readdirSync(path).flatMap((name) => walk(join(path, name)))
    : [relative(dir, path)]);
  return walk(dir).sort();
}

describe('templates/main.ts (npx projen templates)', () => {
  let synthesized: SynthesizedTemplates;
  let cliOut: string;
  let cli: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    synthesized = synthesizeToTempDir();
    cliOut = mkdtempSync(join(tmpdir(), 'templates-cli-'));
    cli = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--project', 'tsconfig.dev.json', 'templates/main.ts', '--out', cliOut],
      { cwd: root, encoding: 'utf8' });
  });
  afterAll(() => {
    synthesized?.remove();
    rmSync(cliOut, { recursive: true, force: true });
  });

  test('writes a template per variant, the proxy zip named by its hash, the container build context and the manifest', () => {
    expect(cli.status, String(cli.stderr)).toBe(0);
    const zips = synthesized.manifest.assets.map((a) => a.file);
    expect(zips).toHaveLength(1);
    expect(zips[0]).toMatch(/^assets\/[0-9a-f]{64}\.zip$/);
    expect(filesUnder(cliOut)).toEqual([
      ...zips,
      'container/Dockerfile',
      'container/server.js',
      ...TEMPLATE_VARIANTS.map((v) => `${v.name}.template.json`),
      'manifest.json',
    ].sort());
    expect(String(cli.stdout).trim().split('\n')).toHaveLength(TEMPLATE_VARIANTS.length + 2);
  });

  test('is deterministic: a second synthesis gives byte-identical files', () => {
    const files = filesUnder(cliOut);
    expect(filesUnder(synthesized.dir)).toEqual(files);
    for (const file of files) {
      expect(readFileSync(join(synthesized.dir, file)).equals(readFileSync(join(cliOut, file))), file).toBe(true);
    }
  });

  test('the manifest lists every template with its parameters and assets, and every asset with its hash', () => {
    const { manifest, dir } = synthesized;
    expect(manifest.assetBucketPrefix).toBe('bedrock-access-gateway-assets');
    expect(manifest.templates.map((t) => t.name)).toEqual(TEMPLATE_VARIANTS.map((v) => v.name));
    for (const entry of manifest.templates) {
      const template = synthesized.template(entry.name);
      expect(entry.file).toBe(`${entry.name}.template.json`);
      expect(entry.parameters.map((p) => p.name)).toEqual(Object.keys(template.Parameters));
      expect(entry.parameters.every((p) => p.label && p.description), entry.name).toBe(true);
      expect(entry.assets).toEqual(entry.compute === 'lambda' ? [manifest.assets[0].objectKey] : []);
    }
    for (const asset of manifest.assets) {
      const bytes = readFileSync(join(dir, asset.file));
      expect(asset.bytes).toBe(bytes.length);
      expect(asset.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  test('the zip holds the bundled Lambda entry point the functions run (index.handler)', () => {
    const asset = synthesized.manifest.assets[0];
    const listing = spawnSync('unzip', ['-Z1', join(synthesized.dir, asset.file)], { encoding: 'utf8' });
    expect(listing.status, listing.stderr).toBe(0);
    expect(listing.stdout.trim().split('\n')).toContain('index.js');
    const zipped = spawnSync('unzip', ['-p', join(synthesized.dir, asset.file), 'index.js'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
    expect(zipped.equals(readFileSync(join(root, 'assets', 'lambda', 'index.js')))).toBe(true);
  });

  test('the container build context holds the Dockerfile and every file it copies and runs', () => {
    const context = join(synthesized.dir, synthesized.manifest.containerBuildContext.directory);
    expect(synthesized.manifest.containerBuildContext).toEqual({ directory: 'container', platform: 'linux/arm64', files: ['Dockerfile', 'server.js'] });
    const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY\s+(\S+)\s+\S+$/gm)].map((m) => m[1]);
    expect(copied.length).toBeGreaterThan(0);
    const cmd = /^CMD\s+(\[.*\])$/m.exec(dockerfile);
    expect(cmd, 'the Dockerfile has an exec-form CMD').not.toBeNull();
    const [program, script] = JSON.parse(cmd![1]) as string[];
    expect(program).toBe('node');
    expect(copied).toContain(script);
    for (const file of copied) expect(existsSync(join(context, file)), file).toBe(true);
    const check = spawnSync(process.execPath, ['--check', join(context, script)], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });

  test('refuses to empty an output directory that holds other files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-out-'));
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    try {
      expect(() => writeTemplates(buildTemplateApp(TEMPLATE_DEFAULTS, TEMPLATE_VARIANTS.slice(0, 1)), dir))
        .toThrow(`--out: ${dir} holds other files; name a new or empty directory, or an earlier templates output`);
      expect(readdirSync(dir)).toEqual(['notes.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
