import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_DEFAULTS } from '../../templates/defaults';
import { GatewayTemplateStack } from '../../templates/gateway-template-stack';
import { TemplateManifest } from '../../templates/manifest';
import { buildTemplateApp, writeTemplates } from '../../templates/synthesize';

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  readonly Description?: string;
  readonly Parameters: { [name: string]: CfnParameterJson };
  readonly Resources: { [logicalId: string]: { Type: string; Properties?: any; Condition?: string } };
  readonly Outputs?: { [name: string]: unknown };
  readonly Conditions?: { [name: string]: unknown };
  readonly Rules?: { [name: string]: unknown };
  readonly Metadata?: any;
}

export interface CfnParameterJson {
  readonly Type: string;
  readonly Default?: string;
  readonly AllowedPattern?: string;
  readonly AllowedValues?: string[];
  readonly ConstraintDescription?: string;
  readonly MinLength?: number;
  readonly MaxLength?: number;
}

/** The templates synthesized once into a temporary directory, with their stacks (for cdk-nag). */
export interface SynthesizedTemplates {
  readonly dir: string;
  readonly manifest: TemplateManifest;
  readonly stacks: GatewayTemplateStack[];
  template(name: string): CfnTemplate;
  remove(): void;
}

export function synthesizeToTempDir(): SynthesizedTemplates {
  const dir = mkdtempSync(join(tmpdir(), 'templates-test-'));
  const templateApp = buildTemplateApp(TEMPLATE_DEFAULTS);
  const manifest = writeTemplates(templateApp, dir);
  return {
    dir,
    manifest,
    stacks: templateApp.stacks,
    template: (name) => JSON.parse(readFileSync(join(dir, `${name}.template.json`), 'utf8')) as CfnTemplate,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Names a template refers to with `Ref` or inside `Fn::Sub` strings. */
export function referencedNames(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    node.forEach((item) => referencedNames(item, found));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') found.add(value);
      if (key === 'Fn::Sub') {
        const text = Array.isArray(value) ? value[0] : value;
        for (const match of String(text).matchAll(/\$\{([A-Za-z0-9:]+)\}/g)) found.add(match[1]);
      }
      referencedNames(value, found);
    }
  }
  return found;
}
