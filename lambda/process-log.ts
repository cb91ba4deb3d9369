/**
 * One warning line in the gateway's log format (pino's JSON) for components that run outside a request and before
 * the app's logger exists (the keys document refresh, the limit counters). Error name and message only.
 */
export function logWarning(msg: string, err: unknown): void {
  const e = err as Error | undefined;
  process.stdout.write(`${JSON.stringify({ level: 40, time: Date.now(), msg, error: { name: e?.name, message: e?.message } })}\n`);
}
