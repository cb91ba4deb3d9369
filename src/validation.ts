/**
 * An invalid prop, reported at construction as "`prop`: problem; received X; fix".
 */
export function propError(prop: string, problem: string, received: string, fix: string): Error {
  const error = new Error(`${prop}: ${problem}; received ${received}; ${fix}`);
  error.name = 'ValidationError';
  return error;
}
