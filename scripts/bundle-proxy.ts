/**
 * Bundles the proxy (lambda/) into assets/ so it ships inside the npm package:
 * - assets/lambda/index.js      Lambda entry point (handler `index.handler`)
 * - assets/container/server.js  long-running server for Fargate, with its Dockerfile beside it
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..');
const assets = join(root, 'assets');

const entries = [
  { entry: 'lambda/lambda.ts', outfile: 'lambda/index.js' },
  { entry: 'lambda/server.ts', outfile: 'container/server.js' },
];

rmSync(assets, { recursive: true, force: true });
for (const { entry, outfile } of entries) {
  buildSync({
    entryPoints: [join(root, entry)],
    outfile: join(assets, outfile),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
mkdirSync(join(assets, 'container'), { recursive: true });
copyFileSync(join(root, 'lambda', 'Dockerfile'), join(assets, 'container', 'Dockerfile'));
