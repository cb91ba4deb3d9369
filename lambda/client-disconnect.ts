import { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Fires when the client goes away before the response is complete; pass it to Bedrock calls
     * (`client.send(command, { abortSignal })`) so an abandoned stream stops consuming the model.
     */
    clientGone: AbortSignal;
  }
}

/** Gives every request a `clientGone` signal tied to its response's 'close' event. */
export function registerClientDisconnect(app: FastifyInstance): void {
  app.decorateRequest('clientGone', null as unknown as AbortSignal);
  app.addHook('onRequest', async (request, reply) => {
    const controller = new AbortController();
    request.clientGone = controller.signal;
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
    });
  });
}
