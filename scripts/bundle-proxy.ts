/**
 * Bundles the proxy (lambda/) into assets/ so it ships inside the npm package:
 * - assets/lambda/index.js      Lambda entry point (handler `index.handler`)
 * - assets/container/server.js  long-running server for Fargate, with its Dockerfile beside it
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..');

/** The proxy's entry points and where their bundles go, relative to the output directory. */
export const PROXY_ENTRIES = {
  lambda: { entry: 'lambda/lambda.ts', outfile: 'lambda/index.js' },
  server: { entry: 'lambda/server.ts', outfile: 'container/server.js' },
} as const;

/** Bundles one proxy entry point exactly as it ships; tests run the result. Returns the bundle's path. */
export function bundleProxyEntry(name: keyof typeof PROXY_ENTRIES, outdir: string): string {
  const { entry, outfile } = PROXY_ENTRIES[name];
  const path = join(outdir, outfile);
  buildSync({
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
  });
  return path;
}

if (require.main === module) {
  const assets = join(root, 'assets');
  rmSync(assets, { recursive: true, force: true });
  bundleProxyEntry('lambda', assets);
  bundleProxyEntry('server', assets);
  mkdirSync(join(assets, 'container'), { recursive: true });
  copyFileSync(join(root, 'lambda', 'Dockerfile'), join(assets, 'container', 'Dockerfile'));
}
