import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BootstraplessSynthesizer } from '../../templates/bootstrapless-synthesizer';

describe('BootstraplessSynthesizer', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'synth-assets-'));
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code', 'index.js'), 'exports.handler = async () => 1;\n');
    writeFileSync(join(dir, 'settings.json'), '{}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const newStack = () => {
    const synthesizer = new BootstraplessSynthesizer('my-assets');
    return { synthesizer, stack: new Stack(new App(), 'Stack', { synthesizer }) };
  };
  const fn = (stack: Stack, id: string) => new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromAsset(join(dir, 'code')),
  });

  test('puts file assets in <AssetBucketPrefix>-<region>, declared once, at <hash>.zip or <hash>.<ext>', () => {
    // GIVEN
    const { synthesizer, stack } = newStack();
    // WHEN
    fn(stack, 'One');
    fn(stack, 'Two');
    new s3assets.Asset(stack, 'Settings', { path: join(dir, 'settings.json') });
    // THEN
    const [code, settings] = synthesizer.fileAssets;
    expect(synthesizer.fileAssets).toHaveLength(2);
    expect(code.objectKey).toBe(`${code.sourceHash}.zip`);
    expect(settings.objectKey).toBe(`${settings.sourceHash}.json`);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Code: { S3Bucket: { 'Fn::Sub': '${AssetBucketPrefix}-${AWS::Region}' }, S3Key: code.objectKey },
    });
    expect(template.toJSON().Parameters).toEqual({
      AssetBucketPrefix: expect.objectContaining({ Type: 'String', Default: 'my-assets', AllowedPattern: expect.any(String) }),
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/BootstrapVersion|cdk-hnb659fds/);
  });

  test('declares no bucket parameter in a template without file assets', () => {
    const { stack } = newStack();
    new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    expect(Template.fromStack(stack).toJSON().Parameters).toBeUndefined();
  });

  test('refuses container images built from a directory: a one-click template cannot build them', () => {
    const { stack } = newStack();
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    expect(() => task.addContainer('App', { image: ecs.ContainerImage.fromAsset(dir) }))
      .toThrow(/one-click templates cannot build container images \(asset [0-9a-f]+\); take the image from an image URI parameter/);
  });
});
