import { awscdk, javascript } from 'projen';
import { DEPLOYED_HEAP_FLAGS } from './projenrc/deployed-heap';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-bedrock-access-gateway',
  description:
    'An OpenAI-compatible API for Amazon Bedrock as an AWS CDK construct: ALB with Lambda or Fargate, API-key auth, least-privilege IAM, one-click templates.',
  author: 'bedrock-access-gateway contributors',
  authorAddress: 'bedrock-access-gateway@users.noreply.github.com',
  repositoryUrl: 'https://github.com/bedrock-access-gateway/bedrock-access-gateway.git',
  keywords: ['cdk', 'aws-cdk', 'bedrock', 'openai', 'llm', 'gateway', 'alb', 'lambda', 'fargate'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // cdk-nag 3 acknowledgements (Validations.of) need aws-cdk-lib >= 2.258.0.
  cdkVersion: '2.258.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // Declared for a release pipeline; only the JS package builds on these machines.
  publishToPypi: {
    distName: 'cdk-bedrock-access-gateway',
    module: 'cdk_bedrock_access_gateway',
  },
  publishToMaven: {
    javaPackage: 'io.github.bedrockaccessgateway.cdk',
    mavenGroupId: 'io.github.bedrock-access-gateway',
    mavenArtifactId: 'cdk-bedrock-access-gateway',
  },
  publishToNuget: {
    dotNetNamespace: 'BedrockAccessGateway.Cdk',
    packageId: 'BedrockAccessGateway.Cdk',
  },
  publishToGo: {
    moduleName: 'github.com/bedrock-access-gateway/bedrock-access-gateway-go',
  },

  jest: false,
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['.projenrc.ts', 'lambda/**/*.ts', 'templates/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    compilerOptions: {
      types: ['node'],
      lib: ['es2023', 'dom'],
      // Type-checks test/, lambda/ and scripts the way vitest and esbuild load them (ESM-only deps included).
      module: 'preserve',
      moduleResolution: javascript.TypeScriptModuleResolution.BUNDLER,
    },
  },
  tsconfig: {
    compilerOptions: {
      types: ['node'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'templates', 'scripts', 'bench', 'projenrc'],
    tsconfigPath: './tsconfig.dev.json',
  },

  devDeps: [
    // tests and tooling
    'vitest@^4',
    'esbuild@^0.28',
    'cdk-nag@^3',
    'openai@^6',
    // Responses API clients in tests; the newest majors that run on Node 20 (later ones need Node 22 or openai 7).
    '@openai/agents@~0.14.3',
    'ai@^6',
    '@ai-sdk/openai@^3',
    'zod@^4',
    // LangChain as a chat, tools, structured output and embeddings client (1.5.8: the last on openai 6 and Node 20).
    '@langchain/openai@1.5.8',
    '@langchain/core@^1.2.5',
    '@types/aws-lambda@^8',
    '@types/node@^20',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-elastic-load-balancing-v2@^3',
    '@aws-sdk/client-lambda@^3',
    '@aws-sdk/client-ecs@^3',
    // the proxy: bundled into assets/ by esbuild, never a runtime dependency of the library
    'fastify@^5',
    '@fastify/aws-lambda@^6',
    '@aws-sdk/client-bedrock-runtime@^3',
    '@aws-sdk/client-bedrock@^3',
    '@aws-sdk/client-secrets-manager@^3',
    '@aws-sdk/client-ssm@^3',
    '@aws-sdk/client-dynamodb@^3',
    '@smithy/node-http-handler@^4',
    '@smithy/eventstream-codec@^4',
    '@smithy/util-utf8@^4',
  ],

  gitignore: ['/assets/', '/cdk.out/', '/.cdk-test-out/', '/.jsii.tabl.json'],
});

for (const pattern of ['/lambda/', '/templates/', '/scripts/', '/bench/', '/coverage/', '/tsconfig.dev.json', '/.ci/', '/.cfnlintrc.yaml', '/vitest.config.mts', '/rosetta/']) {
  project.addPackageIgnore(pattern);
}

// eslint-import-resolver-typescript 4 needs unrs-resolver, whose per-platform binaries are not all on
// this registry, so `npm ci` fails on the lock file; 3.6 resolves with plain JavaScript.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.6.3');

// ts-node runs the scripts (bundle, templates, bench) as CommonJS without a type-check pass: tsc does that in `test`.
project.tryFindObjectFile('tsconfig.dev.json')!.addOverride('ts-node', {
  transpileOnly: true,
  compilerOptions: { module: 'node16', moduleResolution: 'node16' },
});

// projectService only sees the nearest tsconfig.json (src/ alone); lint every folder through tsconfig.dev.json.
const eslintrc = project.tryFindObjectFile('.eslintrc.json')!;
eslintrc.addDeletionOverride('parserOptions.projectService');
eslintrc.addOverride('parserOptions.project', './tsconfig.dev.json');

// The proxy bundle (assets/lambda, assets/container) must exist before jsii compiles and before tests run.
const bundle = project.addTask('bundle', {
  description: 'Bundle the proxy (lambda/) with esbuild into assets/',
  exec: 'ts-node --project tsconfig.dev.json scripts/bundle-proxy.ts',
});
project.preCompileTask.spawn(bundle);
// The npm tarball must hold the proxy however the library was built (`compile` alone skips pre-compile).
project.tasks.tryFind('package:js')!.prependSpawn(bundle);

// The README's TypeScript examples must translate into the other jsii languages (Construct Hub shows them).
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile and translate the README examples with jsii-rosetta; any error fails',
  exec: 'jsii-rosetta extract --strict .jsii',
});
project.postCompileTask.spawn(rosetta);

project.testTask.reset();
project.testTask.spawn(bundle);
project.testTask.exec('tsc --noEmit -p tsconfig.dev.json');
project.testTask.exec('vitest run', { receiveArgs: true });
project.testTask.spawn(project.eslint!.eslintTask);

project.addTask('test:watch', { exec: 'vitest', receiveArgs: true });

project.addTask('templates', {
  description: 'Synthesize the one-click CloudFormation templates into dist/templates/',
  steps: [
    { spawn: bundle.name },
    { exec: 'ts-node --project tsconfig.dev.json templates/main.ts', receiveArgs: true },
  ],
});

project.addTask('publish-templates', {
  description: 'Upload the proxy zip to the regional asset buckets and print Launch Stack URLs',
  exec: 'ts-node --project tsconfig.dev.json templates/publish.ts',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Benchmark the gateway against direct Bedrock SDK calls on a local emulator',
  steps: [
    { spawn: bundle.name },
    { exec: 'ts-node --project tsconfig.dev.json bench/main.ts', receiveArgs: true },
  ],
});

project.addTask('fuzz', {
  description: 'Send 10,000 hostile requests to the bundled gateway on a local emulator and report how it answered',
  steps: [
    { spawn: bundle.name },
    { exec: 'ts-node --project tsconfig.dev.json bench/fuzz.ts', receiveArgs: true },
  ],
});

project.addTask('soak', {
  description: 'Soak the bundled gateway on a local emulator (-- --minutes 10 --concurrency 64, or -- --streams 1000)',
  steps: [
    { spawn: bundle.name },
    { exec: 'ts-node --project tsconfig.dev.json bench/soak.ts', receiveArgs: true },
  ],
});

project.addTask('dev', {
  description: 'Run the gateway locally (server entry point) with your AWS credentials or an endpoint from env',
  steps: [
    { spawn: bundle.name },
    // The heap of the default deployment, so that memory seen locally is what a default Fargate task sees.
    { exec: `node --enable-source-maps ${DEPLOYED_HEAP_FLAGS} assets/container/server.js` },
  ],
});

project.package.addField('engines', { node: '>= 20.0.0' });

project.synth();
