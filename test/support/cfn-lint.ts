import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolAvailable } from './tools';

export const cfnLintAvailable = toolAvailable('cfn-lint', 'REQUIRE_CFN_LINT');

/** Result of linting one template with the repository's .cfnlintrc.yaml. */
export interface CfnLintResult {
  /** cfn-lint's exit code: bit 2 errors, bit 4 warnings, bit 8 informational. */
  readonly exitCode: number;
  readonly output: string;
  readonly hasErrors: boolean;
}

/** Lints a template object (or a file path) with cfn-lint. */
export function cfnLint(template: object | string): CfnLintResult {
  const file = typeof template === 'string'
    ? template
    : join(mkdtempSync(join(tmpdir(), 'cfn-lint-')), 'template.json');
  if (typeof template !== 'string') writeFileSync(file, JSON.stringify(template));
  const run = spawnSync('cfn-lint', ['--config-file', join(__dirname, '..', '..', '.cfnlintrc.yaml'), '--', file], { encoding: 'utf8' });
  const exitCode = run.status ?? -1;
  return { exitCode, output: `${run.stdout}${run.stderr}`, hasErrors: exitCode < 0 || Math.floor(exitCode / 2) % 2 === 1 };
}
