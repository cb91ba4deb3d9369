/**
 * Bundles the proxy (lambda/) into assets/ so it ships inside the npm package:
 * - assets/lambda/index.js       Lambda entry point for the load balancer (handler `index.handler`)
 * - assets/lambda/streaming.js   Lambda entry point for API Gateway with response streaming (handler `streaming.handler`)
 * - assets/lambda/authorizer.js  API Gateway Lambda authorizer (handler `authorizer.handler`)
 * - assets/container/server.js   long-running server for Fargate, with its Dockerfile beside it
 * The Lambda entry points share one directory, so every function of a gateway (and every one-click template) uses
 * one code asset; a function loads only its own file.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, Plugin } from 'esbuild';

const root = join(__dirname, '..');

/** The proxy's entry points and where their bundles go, relative to the output directory. */
export const PROXY_ENTRIES = {
  lambda: { entry: 'lambda/lambda.ts', outfile: 'lambda/index.js' },
  streaming: { entry: 'lambda/streaming.ts', outfile: 'lambda/streaming.js' },
  authorizer: { entry: 'lambda/authorizer.ts', outfile: 'lambda/authorizer.js' },
  server: { entry: 'lambda/server.ts', outfile: 'container/server.js' },
} as const;

/**
 * npm nests identical copies of a package when the top level holds another version (ajv 8 three times under
 * fastify's packages, because the linter keeps ajv 6 at the top). Files of the same package name and version are
 * the same, so each is bundled once: a smaller bundle, less for Lambda to parse at init.
 */
function dedupePackages(): Plugin {
  const canonical = new Map<string, string>();
  const versions = new Map<string, string>();
  const versionOf = (packageDir: string) => {
    if (!versions.has(packageDir)) versions.set(packageDir, JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version);
    return versions.get(packageDir)!;
  };
  return {
    name: 'dedupe-packages',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.deduping) return undefined;
        const { kind, resolveDir, importer } = args;
        const resolved = await pluginBuild.resolve(args.path, { kind, resolveDir, importer, pluginData: { deduping: true } });
        const match = /^(.*\/node_modules\/((?:@[^/]+\/)?[^/]+))\/(.*)$/.exec(resolved.path);
        if (resolved.errors.length > 0 || resolved.external || !match) return resolved;
        const [, packageDir, packageName, file] = match;
        const key = `${packageName}@${versionOf(packageDir)}/${file}`;
        if (!canonical.has(key)) canonical.set(key, resolved.path);
        return { ...resolved, path: canonical.get(key)! };
      });
    },
  };
}

/** Bundles one proxy entry point exactly as it ships; tests run the result. Returns the bundle's path. */
export async function bundleProxyEntry(name: keyof typeof PROXY_ENTRIES, outdir: string): Promise<string> {
  const { entry, outfile } = PROXY_ENTRIES[name];
  const path = join(outdir, outfile);
  await build({
    entryPoints: [join(root, entry)],
    outfile: path,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // The AWS SDK's ES modules first: esbuild drops the commands the proxy never sends (a smaller bundle, faster init).
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [dedupePackages()],
  });
  return path;
}

async function main(): Promise<void> {
  const assets = join(root, 'assets');
  rmSync(assets, { recursive: true, force: true });
  for (const name of Object.keys(PROXY_ENTRIES) as (keyof typeof PROXY_ENTRIES)[]) await bundleProxyEntry(name, assets);
  mkdirSync(join(assets, 'container'), { recursive: true });
  copyFileSync(join(root, 'lambda', 'Dockerfile'), join(assets, 'container', 'Dockerfile'));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
