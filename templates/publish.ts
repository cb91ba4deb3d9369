/**
 * Publishes the synthesized templates: `npx projen publish-templates -- --regions us-east-1,eu-west-1`.
 *
 *   --regions <r1,r2,...>       regions to publish to (required)
 *   --dist <dir>                output of `npx projen templates` (default dist/templates)
 *   --template-key-prefix <p>   key prefix of the template objects (default templates/)
 *   --endpoint-url <url>        S3 endpoint (path-style), e.g. a local emulator; also AWS_ENDPOINT_URL_S3
 *
 * The buckets are <prefix>-<region>, the prefix being the templates' AssetBucketPrefix default
 * (`npx projen templates -- --asset-bucket-prefix <prefix>`).
 * Prints one line per template and region: `<template> <region> <Launch Stack URL>` (tab-separated).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { publishTemplates } from './publisher';

const { values } = parseArgs({
  options: {
    'regions': { type: 'string' },
    'dist': { type: 'string', default: join(__dirname, '..', 'dist', 'templates') },
    'template-key-prefix': { type: 'string', default: 'templates/' },
    'endpoint-url': { type: 'string', default: process.env.AWS_ENDPOINT_URL_S3 },
  },
});

const regions = (values.regions ?? '').split(',').map((r) => r.trim()).filter(Boolean);
if (regions.length === 0) {
  console.error('--regions: name at least one region, e.g. --regions us-east-1,eu-west-1');
  process.exit(2);
}
const endpoint = values['endpoint-url'];

publishTemplates({
  distDir: values.dist,
  regions,
  templateKeyPrefix: values['template-key-prefix'],
  s3ClientFor: (region) => new S3Client({ region, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) }),
}).then((published) => {
  for (const p of published) console.log(`${p.template}\t${p.region}\t${p.launchUrl}`);
}).catch((err: Error) => {
  console.error(`publish failed: ${err.name}: ${err.message}`);
  process.exit(1);
});
