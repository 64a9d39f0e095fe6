// JSON request bodies as Graph reads them: a request that declares `Content-Type: application/json` but sends no
// body (DELETE /subscriptions/{id}, POST …/reauthorize from SDKs that set the header on every request) has no body,
// not a malformed one. Anything else is parsed by Fastify's own parser (prototype poisoning refused).
import type { FastifyInstance } from 'fastify';

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parse(request, text, done);
  });
}
