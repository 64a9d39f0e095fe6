// GET /v1.0/$metadata and /beta/$metadata: the CSDL of the part of Graph this server serves, generated from the
// metadata extract (src/graph/metadata/csdl.generated.ts). Like Graph's, the document is public: no token is needed
// (it describes the API, not a tenant's data), so OData clients and code generators can start there.
import { compressedConstant } from '../http/compression.js';
import type { FastifyInstance } from 'fastify';
import { GraphError } from '../../errors.js';
import { CSDL } from '../../graph/metadata/csdl.generated.js';

const BYTES = {
  'v1.0': Buffer.from(CSDL['v1.0']),
  beta: Buffer.from(CSDL.beta),
};

export function registerMetadataRoutes(app: FastifyInstance): void {
  for (const version of ['v1.0', 'beta'] as const) {
    app.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: `/${version}/$metadata`,
      exposeHeadRoute: false,
      handler: (request, reply) => {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          throw new GraphError('methodNotAllowed', {
            message: 'The $metadata document can only be read.',
            headers: { allow: 'GET, HEAD' },
          });
        }
        return reply
          .header('content-type', 'application/xml;charset=utf-8')
          .header('odata-version', '4.0')
          .header('cache-control', 'no-cache')
          .send(compressedConstant(request, reply, BYTES[version]));
      },
    });
  }
}
