import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, FileAssetPackaging } from 'aws-cdk-lib';
import { StagedFileAsset } from './bootstrapless-synthesizer';
import { zipDirectory } from './deterministic-zip';
import { GatewayTemplateStack, TemplateDefaults } from './gateway-template-stack';
import { describeTemplate, MANIFEST_FILE, ManifestAsset, TemplateManifest } from './manifest';
import { TEMPLATE_VARIANTS, TemplateVariant } from './variants';

/** Build context of the Fargate image, produced by `npx projen bundle`. */
const CONTAINER_CONTEXT = join(__dirname, '..', 'assets', 'container');

/** The template stacks in a CDK app that writes its cloud assembly to a temporary directory. */
export interface TemplateApp {
  readonly app: App;
  readonly stacks: GatewayTemplateStack[];
  /** The templates' AssetBucketPrefix default, recorded in the manifest for publishing. */
  readonly assetBucketPrefix: string;
}

/** Builds one stack per variant; nothing is written until `app.synth()`. */
export function buildTemplateApp(defaults: TemplateDefaults, variants: readonly TemplateVariant[] = TEMPLATE_VARIANTS): TemplateApp {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'gateway-templates-')),
    analyticsReporting: false,
    // Templates read by people in the console: no construct paths, asset paths or version metadata.
    context: {
      'aws:cdk:enable-path-metadata': false,
      'aws:cdk:enable-asset-metadata': false,
      'aws:cdk:version-reporting': false,
      'aws:cdk:disable-stack-trace': true,
    },
  });
  return {
    app,
    stacks: variants.map((variant) => new GatewayTemplateStack(app, variant, defaults)),
    assetBucketPrefix: defaults.assetBucketPrefix,
  };
}

/**
 * Synthesizes every template into `outDir` (emptied first): `<variant>.template.json`, the zipped
 * file assets under `assets/`, the container build context under `container/` and `manifest.json`.
 * The same sources always give the same bytes.
 */
export function synthesizeTemplates(outDir: string, defaults: TemplateDefaults): TemplateManifest {
  return writeTemplates(buildTemplateApp(defaults), outDir);
}

/** Synthesizes an app from `buildTemplateApp` into `outDir`; see `synthesizeTemplates`. */
export function writeTemplates({ app, stacks, assetBucketPrefix }: TemplateApp, outDir: string): TemplateManifest {
  try {
    emptyOutputDirectory(outDir);
    const assembly = app.synth();
    mkdirSync(join(outDir, 'assets'), { recursive: true });

    const assets = new Map<string, ManifestAsset>();
    const templates = stacks.map((stack) => {
      for (const asset of stack.synthesizer.fileAssets) {
        if (!assets.has(asset.objectKey)) {
          assets.set(asset.objectKey, stageAsset(assembly.directory, asset, outDir));
        }
      }
      const file = `${stack.variant.name}.template.json`;
      const template = assembly.getStackByName(stack.stackName).template;
      writeFileSync(join(outDir, file), `${JSON.stringify(template, null, 2)}\n`);
      return describeTemplate(stack.variant, file, template, stack.synthesizer.fileAssets.map((a) => a.objectKey));
    });

    cpSync(CONTAINER_CONTEXT, join(outDir, 'container'), { recursive: true });
    const manifest: TemplateManifest = {
      assetBucketPrefix,
      templates,
      assets: [...assets.values()],
      containerBuildContext: { directory: 'container', platform: 'linux/arm64', files: readdirSync(CONTAINER_CONTEXT).sort() },
    };
    writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** Empties `outDir` for a fresh output, but only when it is new, empty or an earlier output (it has a manifest). */
function emptyOutputDirectory(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !existsSync(join(outDir, MANIFEST_FILE))) {
    throw new Error(`--out: ${outDir} holds other files; name a new or empty directory, or an earlier templates output`);
  }
  rmSync(outDir, { recursive: true, force: true });
}

/** Zips a staged directory (or copies a staged file) from the cloud assembly to `assets/<objectKey>`. */
function stageAsset(assemblyDir: string, asset: StagedFileAsset, outDir: string): ManifestAsset {
  const staged = join(assemblyDir, asset.fileName);
  const bytes = asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? zipDirectory(staged) : readFileSync(staged);
  const file = join('assets', asset.objectKey);
  writeFileSync(join(outDir, file), bytes);
  return { file, objectKey: asset.objectKey, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}
