import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { launchStackUrl, PublishedTemplate, s3ObjectUrl } from './launch-url';
import { MANIFEST_FILE, TemplateManifest } from './manifest';

/** What to publish and where. */
export interface PublishOptions {
  /** Output directory of `npx projen templates` (holds manifest.json). */
  readonly distDir: string;
  /** Regions whose buckets `<assetBucketPrefix>-<region>` receive the assets and templates. */
  readonly regions: string[];
  /** Key prefix of the template objects, e.g. `templates/v1.2.0/`. */
  readonly templateKeyPrefix: string;
  /** Builds the S3 client of a region (tests point it at an emulator). */
  readonly s3ClientFor: (region: string) => S3Client;
}

/**
 * Uploads the staged assets and the templates to each regional bucket and returns one launch link per
 * template and region. The buckets are the ones the templates' AssetBucketPrefix default names (set it
 * with `npx projen templates -- --asset-bucket-prefix`); they must exist and let CloudFormation and
 * Lambda in other accounts read them.
 */
export async function publishTemplates(options: PublishOptions): Promise<PublishedTemplate[]> {
  const manifest = JSON.parse(readFileSync(join(options.distDir, MANIFEST_FILE), 'utf8')) as TemplateManifest;
  const published: PublishedTemplate[] = [];
  for (const region of options.regions) {
    const s3 = options.s3ClientFor(region);
    const bucket = `${manifest.assetBucketPrefix}-${region}`;
    try {
      published.push(...await uploadTo(s3, bucket, region, manifest, options));
    } finally {
      s3.destroy();
    }
  }
  return published;
}

/** Uploads the assets, then the templates (which refer to them), to one regional bucket. */
async function uploadTo(s3: S3Client, bucket: string, region: string, manifest: TemplateManifest,
  options: PublishOptions): Promise<PublishedTemplate[]> {
  for (const asset of manifest.assets) {
    await s3.send(new PutObjectCommand({
      Bucket: bucket,
      Key: asset.objectKey,
      Body: readFileSync(join(options.distDir, asset.file)),
      ContentType: asset.objectKey.endsWith('.zip') ? 'application/zip' : 'application/octet-stream',
    }));
  }
  const published: PublishedTemplate[] = [];
  for (const template of manifest.templates) {
    const key = `${options.templateKeyPrefix}${template.file}`;
    await s3.send(new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: readFileSync(join(options.distDir, template.file)),
      ContentType: 'application/json',
    }));
    const templateUrl = s3ObjectUrl(bucket, region, key);
    published.push({ template: template.name, region, templateUrl, launchUrl: launchStackUrl(region, templateUrl) });
  }
  return published;
}
