/**
 * Synthesizes the one-click CloudFormation templates: `npx projen templates [-- options]`.
 *
 *   --out <dir>                      output directory (default dist/templates)
 *   --asset-bucket-prefix <prefix>   default of the AssetBucketPrefix parameter
 *   --image-uri <uri>                default of the Fargate templates' ContainerImageUri parameter
 *   --default-model <id>             default of the DefaultModel parameter
 *   --default-embedding-model <id>   default of the DefaultEmbeddingModel parameter
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { TEMPLATE_DEFAULTS } from './defaults';
import { synthesizeTemplates } from './synthesize';

const { values } = parseArgs({
  options: {
    'out': { type: 'string', default: join(__dirname, '..', 'dist', 'templates') },
    'asset-bucket-prefix': { type: 'string', default: TEMPLATE_DEFAULTS.assetBucketPrefix },
    'image-uri': { type: 'string' },
    'default-model': { type: 'string', default: TEMPLATE_DEFAULTS.defaultModel },
    'default-embedding-model': { type: 'string', default: TEMPLATE_DEFAULTS.defaultEmbeddingModel },
  },
});

const manifest = synthesizeTemplates(values.out, {
  assetBucketPrefix: values['asset-bucket-prefix'],
  imageUri: values['image-uri'],
  defaultModel: values['default-model'],
  defaultEmbeddingModel: values['default-embedding-model'],
});
const where = relative(process.cwd(), values.out) || '.';
for (const template of manifest.templates) console.log(`${where}/${template.file}`);
for (const asset of manifest.assets) console.log(`${where}/${asset.file}`);
console.log(`${where}/${manifest.containerBuildContext.directory}/`);
