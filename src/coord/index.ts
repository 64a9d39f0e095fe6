// Builds what instances share (see types.ts): Redis when a URL is configured, else this process alone.
import { memoryCoordination } from './memory.js';
import type { Coordination } from './types.js';

export * from './types.js';
export { memoryCoordination, MemoryReplayGuard, MemoryCallStore, LocalBus } from './memory.js';

export interface CoordinationSettings {
  redisUrl?: string | undefined;
  redisPrefix: string;
}

export async function buildCoordination(s: CoordinationSettings): Promise<Coordination> {
  if (!s.redisUrl) return memoryCoordination();
  // Loaded only when used: a single instance needs no Redis client.
  const { redisCoordination } = await import('./redis.js');
  return redisCoordination({ url: s.redisUrl, prefix: s.redisPrefix });
}
