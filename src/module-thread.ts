// Worker threads that run one of this tree's modules, from the built dist (.js) or under tsx (.ts: tests and
// benchmarks), and the repair their row batches need once they cross back to the writer's thread.
import { Worker } from 'node:worker_threads';
import type { RecordRows } from './store/rows.js';

/** True when this tree runs as TypeScript under tsx rather than from dist. */
const UNDER_TSX = import.meta.url.endsWith('.ts');

/**
 * Starts a thread running `module`, named as its built file (`new URL('./thread.js', import.meta.url)`). Under
 * tsx the file beside it is the .ts one, and a worker does not inherit tsx's loader: the thread registers it first.
 */
export function startModuleThread(module: URL, workerData: unknown): Worker {
  if (!UNDER_TSX) return new Worker(module, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL(module.href.replace(/\.js$/, '.ts'));
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Row buffers arrive as plain Uint8Arrays after the structured clone; the SQLite driver binds Buffers. */
export function reviveRows(rows: RecordRows[]): RecordRows[] {
  for (const r of rows) {
    const d = r.parts.data as Uint8Array;
    if (!Buffer.isBuffer(d)) r.parts.data = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    const z = r.record.list_deflate as Uint8Array | null;
    if (z && !Buffer.isBuffer(z)) r.record.list_deflate = Buffer.from(z.buffer, z.byteOffset, z.byteLength);
  }
  return rows;
}
