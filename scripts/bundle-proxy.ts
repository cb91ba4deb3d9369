/**
 * Bundles the proxy (lambda/) into assets/ so it ships inside the npm package:
 * - assets/lambda/index.js       Lambda entry point for the load balancer (handler `index.handler`)
 * - assets/lambda/streaming.js   Lambda entry point for API Gateway with response streaming (handler `streaming.handler`)
 * - assets/lambda/authorizer.js  API Gateway Lambda authorizer (handler `authorizer.handler`)
 * - assets/container/server.js   long-running server for Fargate, with its Dockerfile beside it
 * The Lambda entry points share one directory, so every function of a gateway (and every one-click template) uses
 * one code asset; a function loads only its own file.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** AWS SDK clients the proxy loads on first use (an `import()`), not at init: the key, counter and response stores. */
const CLIENTS_LOADED_ON_FIRST_USE = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-ssm'];

/** The files of the proxy's source, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []);
}

/** Each value an ES module exports, with the file that defines it, following its `export * from` lines. */
function definingFiles(file: string, found = new Map<string, string>()): Map<string, string> {
  const source = readFileSync(file, 'utf8');
  for (const [, name] of source.matchAll(/^export (?:class|const|var|let|function) ([\w$]+)/gm)) if (!found.has(name)) found.set(name, file);
  for (const [, from] of source.matchAll(/^export \* from "(\..+?)";/gm)) {
    const base = join(dirname(file), from);
    definingFiles(existsSync(`${base}.js`) ? `${base}.js` : join(base, 'index.js'), found);
  }
  return found;
}

/**
 * esbuild defers a module loaded with `import()` by wrapping it, and a wrapped module runs every `export *` of what it
 * imports: through an AWS SDK client's index, every command and schema of the service (about 160 KB for these
 * three clients). For the clients loaded on first use, the index is replaced by a module that re-exports just the
 * values the proxy imports from the package, each from the file that defines it; the bundle then holds what a static
 * import would, evaluated only when first used.
 */
function firstUseClients(): Plugin {
  const imported = (pkg: string) => sourceFiles(join(root, 'lambda'))
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(new RegExp(`^import \\{([^}]+)\\} from '${pkg}';`, 'gm'))])
    .flatMap(([, names]) => names.split(',').map((name) => name.trim()).filter(Boolean));
  return {
    name: 'first-use-clients',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^@aws-sdk\/client-/ }, (args) =>
        (CLIENTS_LOADED_ON_FIRST_USE.includes(args.path) ? { path: args.path, namespace: 'first-use-client' } : undefined));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'first-use-client' }, (args) => {
        const distEs = join(dirname(require.resolve(`${args.path}/package.json`, { paths: [root] })), 'dist-es');
        const files = definingFiles(join(distEs, 'index.js'));
        // Interfaces (e.g. AttributeValue) have no file: TypeScript erases them.
        const values = [...new Set(imported(args.path))].filter((name) => files.has(name));
        return { contents: values.map((name) => `export { ${name} } from ${JSON.stringify(files.get(name))};`).join('\n'), resolveDir: distEs, loader: 'js' };
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
    plugins: [firstUseClients(), dedupePackages()],
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
