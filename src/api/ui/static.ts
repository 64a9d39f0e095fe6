// Serves the dashboard (built by Vite into dist/ui by `npm run build`): `/` and `/ui` answer its page, `/ui/…` its
// hashed assets. The page reads the admin API with the admin key the user types in; nothing here is secret, and
// nothing is fetched from elsewhere (no CDN, no fonts), which the content security policy enforces.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GraphError } from '../../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The checkout's dist/ui, whether this module runs from src/ (tsx) or dist/ (built). */
export function defaultUiDir(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(dir, 'dist', 'ui');
}

export function registerUiRoutes(app: FastifyInstance, o: { dir?: string } = {}): void {
  const root = path.resolve(o.dir ?? defaultUiDir());
  const send = async (reply: FastifyReply, file: string, immutable: boolean) => {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      throw new GraphError('notFound', {
        message: file.endsWith('index.html')
          ? 'The dashboard is not built: run `npm run build`.'
          : 'The requested resource does not exist.',
      });
    }
    return reply
      .header('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(data);
  };
  const page = (_request: unknown, reply: FastifyReply) => send(reply, path.join(root, 'index.html'), false);
  app.get('/', page);
  app.get('/ui', page);
  app.get<{ Params: { '*': string } }>('/ui/*', (request, reply) => {
    const rel = request.params['*'];
    const file = path.resolve(root, rel);
    // Only files under the build folder: no traversal, no dotfiles.
    if (!file.startsWith(root + path.sep) || rel.split('/').some((p) => p.startsWith('.'))) {
      throw new GraphError('notFound', { message: 'The requested resource does not exist.' });
    }
    return send(reply, file, rel.startsWith('assets/'));
  });
}
