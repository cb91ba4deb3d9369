import { OpenAIError } from '../errors';

/**
 * Passes a Bedrock event stream through, failing it when no event arrives for `idleMs` (a stalled stream would
 * otherwise hold the client, a socket and the request's memory until the socket timeout, minutes later). On a
 * stall `onStall` runs first, to end the Bedrock call; the error is a 504 for the client's terminating error event.
 */
export async function* withIdleTimeout<T>(events: AsyncIterable<T>, idleMs: number, onStall: () => void): AsyncGenerator<T> {
  const iterator = events[Symbol.asyncIterator]();
  for (;;) {
    const next = iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => { timer = setTimeout(() => resolve('stalled'), idleMs); });
    const result = await Promise.race([next, stalled]).finally(() => clearTimeout(timer));
    if (result === 'stalled') {
      // The pending read fails once the call is ended; nobody waits for it any more.
      next.catch(() => undefined);
      onStall();
      throw new OpenAIError(504, `Amazon Bedrock sent nothing for ${Math.round(idleMs / 1000)} seconds; the response was ended. Please retry.`,
        { code: 'timeout' });
    }
    if (result.done) return;
    yield result.value;
  }
}
