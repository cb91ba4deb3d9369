import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BucketLocationConstraint, CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesizeToTempDir, SynthesizedTemplates } from './support';
import { TEMPLATE_VARIANTS } from '../../templates/variants';
import { Moto, motoAvailable, startMoto } from '../support/moto';

const root = join(__dirname, '..', '..');
const REGIONS = ['us-east-1', 'eu-west-1'];

describe.skipIf(!motoAvailable)('templates/publish.ts (npx projen publish-templates) against moto S3', () => {
  let moto: Moto;
  let synthesized: SynthesizedTemplates;
  const s3 = (region: string) => new S3Client({ ...moto.clientConfig, region, forcePathStyle: true });

  /** Runs the publish script as the projen task does, with dummy credentials only. */
  function publish(...args: string[]) {
    return spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--project', 'tsconfig.dev.json', 'templates/publish.ts',
      '--dist', synthesized.dir, '--endpoint-url', moto.endpoint, ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' },
    });
  }

  beforeAll(async () => {
    synthesized = synthesizeToTempDir();
    moto = await startMoto();
    for (const region of REGIONS) {
      await s3(region).send(new CreateBucketCommand({
        Bucket: `bedrock-access-gateway-assets-${region}`,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }));
    }
  });
  afterAll(async () => {
    await moto?.stop();
    synthesized?.remove();
  });

  test('uploads the zip and the templates to every regional bucket and prints one Launch Stack URL per template and region', async () => {
    const run = publish('--regions', REGIONS.join(','));
    expect(run.status, run.stderr).toBe(0);

    const lines = run.stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(lines.map(([template, region]) => `${template} ${region}`)).toEqual(
      REGIONS.flatMap((region) => TEMPLATE_VARIANTS.map((v) => `${v.name} ${region}`)));

    for (const [template, region, launchUrl] of lines) {
      const bucket = `bedrock-access-gateway-assets-${region}`;
      const templateUrl = `https://${bucket}.s3.${region}.amazonaws.com/templates/${template}.template.json`;
      expect(launchUrl).toBe(`https://${region}.console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/create/review?`
        + `templateURL=${encodeURIComponent(templateUrl)}&stackName=bedrock-access-gateway`);
      const uploaded = await s3(region).send(new GetObjectCommand({ Bucket: bucket, Key: `templates/${template}.template.json` }));
      expect(uploaded.ContentType).toBe('application/json');
      expect(await uploaded.Body!.transformToString()).toBe(readFileSync(join(synthesized.dir, `${template}.template.json`), 'utf8'));
    }

    for (const region of REGIONS) {
      for (const asset of synthesized.manifest.assets) {
        const zip = await s3(region).send(new GetObjectCommand({ Bucket: `bedrock-access-gateway-assets-${region}`, Key: asset.objectKey }));
        expect(Buffer.from(await zip.Body!.transformToByteArray()).equals(readFileSync(join(synthesized.dir, asset.file))), region).toBe(true);
      }
    }
  });

  test('a printed Launch Stack URL launches: its templateURL and the published code create the stack', async () => {
    const run = publish('--regions', 'us-east-1');
    expect(run.status, run.stderr).toBe(0);
    const [, , launchUrl] = run.stdout.split('\n').map((line) => line.split('\t')).find(([template]) => template === 'lambda-new-vpc-ssm')!;
    const templateUrl = new URLSearchParams(launchUrl.split('#/stacks/create/review?')[1]).get('templateURL')!;

    const cfn = new CloudFormationClient(moto.clientConfig);
    await cfn.send(new CreateStackCommand({
      StackName: 'from-launch-url',
      TemplateURL: templateUrl,
      Parameters: [{ ParameterKey: 'ApiKeyParameterName', ParameterValue: '/bedrock-gateway/api-key' }],
      Capabilities: ['CAPABILITY_IAM'],
    }));
    const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName: 'from-launch-url' }))).Stacks!;
    expect(stack.StackStatus, stack.StackStatusReason).toBe('CREATE_COMPLETE');
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'from-launch-url' }))).StackResources!;
    const functionName = resources.find((r) => r.ResourceType === 'AWS::Lambda::Function')!.PhysicalResourceId!;
    const fn = await new LambdaClient(moto.clientConfig).send(new GetFunctionCommand({ FunctionName: functionName }));
    expect(fn.Configuration!.CodeSha256).toBe(createHash('sha256')
      .update(readFileSync(join(synthesized.dir, synthesized.manifest.assets[0].file))).digest('base64'));
  });

  test('puts templates under the given key prefix', async () => {
    const run = publish('--regions', 'us-east-1', '--template-key-prefix', 'templates/v1.2.0/');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(encodeURIComponent('.amazonaws.com/templates/v1.2.0/lambda-new-vpc-secret.template.json'));
    const uploaded = await s3('us-east-1').send(new GetObjectCommand({
      Bucket: 'bedrock-access-gateway-assets-us-east-1', Key: 'templates/v1.2.0/fargate-existing-vpc-ssm.template.json',
    }));
    expect(uploaded.ContentLength).toBeGreaterThan(0);
  });

  test('fails with the S3 error when a regional bucket does not exist', () => {
    const run = publish('--regions', 'ap-southeast-2');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('publish failed: NoSuchBucket');
    expect(run.stdout).toBe('');
  });

  test('asks for regions when none are given', () => {
    const run = publish();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--regions: name at least one region');
  });
});
