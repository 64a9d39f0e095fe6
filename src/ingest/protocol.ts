// Messages between the import's writer (./pool.ts) and its threads (./thread.ts).
import type { LineBatch } from './lines.js';
import type { PreparedBatch } from './prepare.js';

export type ToThread = { seq: number; batch: LineBatch };

export type FromThread =
  { type: 'prepared'; seq: number; batch: PreparedBatch } | { type: 'error'; seq: number; message: string };
