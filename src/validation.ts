import { Token } from 'aws-cdk-lib';
import { checkProxySettings, ProxySettingError } from './proxy-settings';

/**
 * An invalid prop, reported at construction as "`prop`: problem; received X; fix".
 */
export function propError(prop: string, problem: string, received: string, fix: string): Error {
  const error = new Error(`${prop}: ${problem}; received ${received}; ${fix}`);
  error.name = 'ValidationError';
  return error;
}

/**
 * Checks a list prop whose entries become IAM resources: it must be known at synth (single entries may be
 * tokens) and not empty. `fixes` say what to do instead of a list token and of an empty list.
 */
export function validateListKnownAtSynth(prop: string, list: string[] | undefined, fixes: { token: string; empty: string }): void {
  if (list === undefined) return;
  if (Token.isUnresolved(list)) throw propError(prop, 'must be a list known at synth time', 'a list token', fixes.token);
  if (list.length === 0) throw propError(prop, 'must not be empty', '[]', fixes.empty);
}

/**
 * Runs the proxy's own checks over the settings the construct hands it (values known at synth only),
 * so a value the proxy would refuse at start-up fails here instead of after a deploy.
 */
export function validateProxySettings(environment: { [key: string]: string }): void {
  try {
    checkProxySettings(environment, (value) => !Token.isUnresolved(value));
  } catch (err) {
    if (!(err instanceof ProxySettingError)) throw err;
    throw propError('environment', `${err.setting} ${err.problem}, or the proxy refuses to start`,
      `"${environment[err.setting]}"`, `fix ${err.setting}, or omit it to use the proxy's default`);
  }
}
