import { Socket } from 'node:net';
import { FastifyInstance } from 'fastify';

/** How a close ended: every request finished, or the deadline cut the rest off. */
export type CloseOutcome = 'drained' | 'forced';

/**
 * Closes a listening gateway without cutting off in-flight requests and without waiting on idle sockets.
 * Node's `server.close()` waits for every connection to end, and `closeIdleConnections()` misses keep-alive
 * sockets that never sent a request (an aborted stream's client can leave one), which then hold the close for
 * the headers timeout, about a minute. So requests are counted per socket: on close, sockets with none in
 * flight are ended at once, the others as soon as their last response closes, and whatever is still open at
 * the deadline is destroyed. Call before `listen` so every connection is seen.
 */
export function gracefulClose(app: FastifyInstance): (deadlineMs: number) => Promise<CloseOutcome> {
  const inFlight = new Map<Socket, number>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  app.server.on('request', (request, response) => {
    const socket: Socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = inFlight.get(socket);
      if (left === undefined) return; // the socket is already gone
      inFlight.set(socket, left - 1);
      if (closing && left === 1) socket.end();
    });
  });
  return async (deadlineMs) => {
    closing = true;
    for (const [socket, requests] of inFlight) if (requests === 0) socket.end();
    let forced = false;
    const deadline = setTimeout(() => {
      forced = true;
      for (const socket of inFlight.keys()) socket.destroy();
    }, deadlineMs);
    try {
      await app.close();
    } finally {
      clearTimeout(deadline);
    }
    return forced ? 'forced' : 'drained';
  };
}
