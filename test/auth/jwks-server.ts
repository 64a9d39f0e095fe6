// A stand-in for an external identity provider's JWKS endpoint (e.g. a real Entra tenant): plain node:http on
// port 0, serving the public half of a key pair the test signs tokens with.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';

export interface JwksServer {
  /** The JWKS URL (http://127.0.0.1:<port>/keys). */
  jwksUri: string;
  kid: string;
  /** A KeyObject, so tests can also sign with other RSA algorithms than RS256. */
  privateKey: KeyObject;
  /** How many times the keys were fetched. */
  hits(): number;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(20).toString('base64url');
  // As Entra publishes them: no `alg` member, so only the verifier's pinned algorithm list restricts the key.
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  let hits = 0;
  const server = createServer((req, res) => {
    if (req.url === '/keys') {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUri: `http://127.0.0.1:${port}/keys`,
    kid,
    privateKey,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
