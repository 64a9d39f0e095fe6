// TLS material: given files, or (--tls alone) a self-signed certificate for localhost kept in the data directory,
// so https clients such as @azure/identity can talk to this server with NODE_EXTRA_CA_CERTS pointing at it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** Where the certificate is, for clients that must trust it. */
  certFile?: string;
}

/** `dir`: the data directory (config/index.ts, dataDirOf); undefined keeps nothing on disk. */
export async function selfSignedFor(dataDir: string | undefined): Promise<TlsMaterial> {
  const dir = dataDir === undefined ? undefined : path.resolve(dataDir);
  const certFile = dir && path.join(dir, 'tls-cert.pem');
  const keyFile = dir && path.join(dir, 'tls-key.pem');
  if (certFile && keyFile && existsSync(certFile) && existsSync(keyFile)) {
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
  }
  const notAfter = new Date(Date.now() + 825 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  if (!certFile || !keyFile) return { key: pems.private, cert: pems.cert };
  mkdirSync(path.dirname(certFile), { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, certFile };
}

export function tlsFromFiles(certFile: string, keyFile: string): TlsMaterial {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}
