import {
  CfnParameter,
  DockerImageAssetLocation,
  DockerImageAssetSource,
  FileAssetLocation,
  FileAssetPackaging,
  FileAssetSource,
  ISynthesisSession,
  StackSynthesizer,
} from 'aws-cdk-lib';

/** A file asset the template refers to: where CDK staged it and the S3 key the template expects. */
export interface StagedFileAsset {
  /** Path of the staged file or directory, relative to the cloud assembly directory. */
  readonly fileName: string;
  readonly packaging: FileAssetPackaging;
  /** Content hash computed by CDK; the object key is derived from it. */
  readonly sourceHash: string;
  /** Key of the object in the regional bucket, e.g. `<hash>.zip`. */
  readonly objectKey: string;
}

/** Logical id of the parameter naming the asset buckets. */
export const ASSET_BUCKET_PREFIX_PARAMETER = 'AssetBucketPrefix';

/**
 * Synthesizes a template that needs no `cdk bootstrap`: file assets live in a bucket named by a template
 * parameter plus the region (`${AssetBucketPrefix}-${AWS::Region}`), no bootstrap version rule, no roles.
 * The parameter appears only in templates that have file assets. Whoever publishes the template
 * uploads the recorded assets to those buckets.
 */
export class BootstraplessSynthesizer extends StackSynthesizer {
  private readonly assets = new Map<string, StagedFileAsset>();

  /** @param defaultBucketPrefix default of the parameter: where the published assets live. */
  constructor(private readonly defaultBucketPrefix: string) {
    super();
  }

  /** File assets registered so far, in registration order. */
  get fileAssets(): StagedFileAsset[] {
    return [...this.assets.values()];
  }

  addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName || asset.executable) {
      throw new Error(`one-click templates take file assets from disk only; asset ${asset.sourceHash} is built by a command`);
    }
    const packaging = asset.packaging ?? FileAssetPackaging.FILE;
    const extension = packaging === FileAssetPackaging.ZIP_DIRECTORY ? '.zip' : extensionOf(asset.fileName);
    const objectKey = `${asset.sourceHash}${extension}`;
    this.assets.set(asset.sourceHash, { fileName: asset.fileName, packaging, sourceHash: asset.sourceHash, objectKey });
    this.declareBucketParameter();
    return this.cloudFormationLocationFromFileAsset({
      bucketName: `\${${ASSET_BUCKET_PREFIX_PARAMETER}}-\${AWS::Region}`,
      objectKey,
    });
  }

  addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`one-click templates cannot build container images (asset ${asset.sourceHash}); take the image from an image URI parameter`);
  }

  synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
  }

  private declareBucketParameter(): void {
    if (this.boundStack.node.tryFindChild(ASSET_BUCKET_PREFIX_PARAMETER)) return;
    new CfnParameter(this.boundStack, ASSET_BUCKET_PREFIX_PARAMETER, {
      type: 'String',
      description: 'Name prefix of the S3 buckets holding the gateway code; the bucket used is <prefix>-<region>. Keep the default unless you publish your own copy.',
      default: this.defaultBucketPrefix,
      // 63 characters per bucket name, minus "-" and the longest region name.
      allowedPattern: '^[a-z0-9][a-z0-9.-]{1,46}[a-z0-9]$',
      constraintDescription: 'must be 3 to 48 lowercase letters, digits, "." or "-", starting and ending with a letter or digit',
    });
  }
}

function extensionOf(fileName: string): string {
  const match = /\.[A-Za-z0-9]+$/.exec(fileName);
  return match ? match[0] : '';
}
