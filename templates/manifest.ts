import { TemplateVariant } from './variants';

/** Name of the manifest file in the output directory. */
export const MANIFEST_FILE = 'manifest.json';

/** One parameter of a template as the console shows it. */
export interface ManifestParameter {
  readonly name: string;
  readonly label?: string;
  readonly type: string;
  readonly description?: string;
  readonly default?: string;
  readonly allowedValues?: string[];
  readonly allowedPattern?: string;
}

/** One template in the output directory. */
export interface ManifestTemplate {
  readonly name: string;
  /** File name relative to the output directory. */
  readonly file: string;
  readonly description: string;
  readonly compute: TemplateVariant['compute'];
  readonly network: TemplateVariant['network'];
  readonly apiKey: TemplateVariant['apiKey'];
  readonly parameters: ManifestParameter[];
  /** Object keys (in the regional asset bucket) of the assets the template needs. */
  readonly assets: string[];
}

/** A staged file to upload to every regional asset bucket. */
export interface ManifestAsset {
  /** Path relative to the output directory. */
  readonly file: string;
  /** Key of the object in `<assetBucketPrefix>-<region>`. */
  readonly objectKey: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** What `npx projen templates` produced: read by `publish-templates` and by people. */
export interface TemplateManifest {
  /** Default of the AssetBucketPrefix parameter: assets go to `<prefix>-<region>`. */
  readonly assetBucketPrefix: string;
  readonly templates: ManifestTemplate[];
  readonly assets: ManifestAsset[];
  /** Docker build context of the Fargate image (directory relative to the output directory). */
  readonly containerBuildContext: { readonly directory: string; readonly platform: string; readonly files: string[] };
}

interface CfnTemplate {
  readonly Parameters?: {
    [name: string]: { Type: string; Description?: string; Default?: string; AllowedValues?: string[]; AllowedPattern?: string };
  };
  readonly Metadata?: { 'AWS::CloudFormation::Interface'?: { ParameterLabels?: { [name: string]: { default: string } } } };
}

/** The manifest entry of a synthesized template: its parameters as declared, in declaration order. */
export function describeTemplate(variant: TemplateVariant, file: string, template: CfnTemplate, assets: string[]): ManifestTemplate {
  const labels = template.Metadata?.['AWS::CloudFormation::Interface']?.ParameterLabels ?? {};
  return {
    name: variant.name,
    file,
    description: variant.description,
    compute: variant.compute,
    network: variant.network,
    apiKey: variant.apiKey,
    parameters: Object.entries(template.Parameters ?? {}).map(([name, p]) => ({
      name,
      label: labels[name]?.default,
      type: p.Type,
      description: p.Description,
      default: p.Default,
      allowedValues: p.AllowedValues,
      allowedPattern: p.AllowedPattern,
    })),
    assets,
  };
}
