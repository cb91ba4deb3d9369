import { spawnSync } from 'node:child_process';

/**
 * Whether a command-line tool is on PATH. When `requiredBy` names a set environment variable
 * (CI sets REQUIRE_CFN_LINT / REQUIRE_MOTO), a missing tool is an error, so tests never skip silently there.
 */
export function toolAvailable(command: string, requiredBy: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  if (!found && process.env[requiredBy]) {
    throw new Error(`${command} is required (${requiredBy} is set) but is not installed`);
  }
  return found;
}

/** Whether python3 can import `module`; as with {@link toolAvailable}, an error instead when `requiredBy` is set. */
export function pythonModuleAvailable(module: string, requiredBy: string): boolean {
  const found = spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
  if (!found && process.env[requiredBy]) {
    throw new Error(`the Python module ${module} is required (${requiredBy} is set) but is not installed`);
  }
  return found;
}
