import { FastifyInstance } from 'fastify';
import { checkJsonShape } from './request-limits';

/**
 * Replaces fastify's `application/json` parser with one that first checks the text's nesting depth and array
 * lengths (`checkJsonShape`), so a hostile body is refused before it is turned into objects. Parsing itself stays
 * fastify's, with its protection against `__proto__` and `constructor.prototype` keys.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      checkJsonShape(body as string);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    void parse(request, body as string, done);
  });
}
