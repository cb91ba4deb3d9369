import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { toolAvailable } from './tools';

export const cfnLintAvailable = toolAvailable('cfn-lint', 'REQUIRE_CFN_LINT');

/** Result of linting templates with the repository's .cfnlintrc.yaml. */
export interface CfnLintResult {
  /** cfn-lint's exit code: bit 2 errors, bit 4 warnings, bit 8 informational. */
  readonly exitCode: number;
  readonly output: string;
  readonly hasErrors: boolean;
}

/** Lints the template file(s) at `path` with cfn-lint; a glob is expanded by cfn-lint itself. */
export function cfnLint(path: string): CfnLintResult {
  const run = spawnSync('cfn-lint', ['--config-file', join(__dirname, '..', '..', '.cfnlintrc.yaml'), '--', path], { encoding: 'utf8' });
  const exitCode = run.status ?? -1;
  return { exitCode, output: `${run.stdout}${run.stderr}`, hasErrors: exitCode < 0 || Math.floor(exitCode / 2) % 2 === 1 };
}
