import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { BedrockAccessGateway } from '../../src';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  test('names the stack outputs of the minimal example as cdk deploy prints them', () => {
    // GIVEN the minimal deployable example
    const app = new App();
    const stack = new Stack(app, 'BedrockGateway');
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN every output appears as "<stack>.<output id> = "
    const outputs = Object.keys(Template.fromStack(stack).toJSON().Outputs);
    expect(outputs).toHaveLength(2);
    for (const output of outputs) expect(readme).toContain(`BedrockGateway.${output} = `);
  });

  test('keeps code that is not CDK out of TypeScript fences, which jsii-rosetta translates for other languages', () => {
    // WHEN
    const fences = [...readme.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((match) => match[1]);
    // THEN
    expect(fences.length).toBeGreaterThan(0);
    for (const fence of fences) expect(fence).toMatch(/from 'cdk-bedrock-access-gateway'/);
    for (const fence of fences) expect(fence).not.toMatch(/from 'openai'/);
  });
});
