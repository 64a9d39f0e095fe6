// Several instances: what they share lives in Redis (CALLRECORDS_REDIS_URL). Every read-modify-write is one Lua
// script, so it is atomic across instances; every key expires with its window, so Redis holds no garbage. A Redis
// that does not answer fails the request with SharedStateUnavailableError (a 503), never a 500.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Bucket, BucketState, CounterStore, Decision } from '../resilience/counters.js';
import type { SimCall } from '../simulate/types.js';
import { LocalBus } from './memory.js';
import {
  SharedStateUnavailableError,
  type ActiveCallStore,
  type Coordination,
  type DependencyHealth,
  type FailureLog,
  type LockoutCheck,
  type ReplayGuard,
  type StoredCall,
} from './types.js';

export interface RedisOptions {
  url: string;
  /** Prefix of every key and of the bus channel, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  /** How long a command may take before the request fails, ms. */
  commandTimeoutMs?: number;
}

/**
 * Sliding-window log per bucket (a sorted set of admission times): every bucket is pruned and counted, and the
 * request is added to all of them only if all have room. ARGV: now, nonce, then limit and window per key.
 * Returns {allowed, index of the tightest (or worst refusing) bucket, remaining, resetMs}.
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
local counts = {}
local worst, worstReset = 0, -1
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + i * 2])
  local window = tonumber(ARGV[2 + i * 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  counts[i] = count
  if count >= limit then
    local at = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local reset = tonumber(at[2]) + window - now
    if reset > worstReset then worst, worstReset = i, reset end
  end
end
if worst > 0 then return {0, worst, 0, worstReset} end
local tightest, tightRemaining, tightReset = 0, -1, 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + i * 2])
  local window = tonumber(ARGV[2 + i * 2])
  redis.call('ZADD', key, now, ARGV[2] .. ':' .. i)
  redis.call('PEXPIRE', key, window)
  local remaining = limit - counts[i] - 1
  local reset = 0
  if remaining <= 0 then
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    reset = tonumber(first[2]) + window - now
  end
  if tightRemaining < 0 or remaining < tightRemaining then
    tightest, tightRemaining, tightReset = i, remaining, reset
  end
end
return {1, tightest, tightRemaining, tightReset}
`;

/** Failures per key, on Redis's own clock (instances' clocks may differ). ARGV: window, then a limit per key. */
const RETRY_AFTER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local at = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local s = math.ceil((tonumber(at[2]) + window - now) / 1000)
    if s > wait then wait = s end
  end
end
return wait
`;

/** ARGV: window, nonce. Keeps the newest 1000 failures of a key (enough for any limit). */
const FAIL = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2] .. ':' .. i)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZREMRANGEBYRANK', key, 0, -1001)
  redis.call('PEXPIRE', key, window)
end
return 1
`;

/** KEYS[1]: the tenant's hash. ARGV: id, json, max. */
const ADD_CALL = `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** KEYS[1]: the tenant's hash. ARGV: id, expected json, new json (empty: delete). */
const SWAP_CALL = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
`;

type Scripted = Redis & {
  acquire(keys: number, ...args: (string | number)[]): Promise<[number, number, number, number]>;
  failureWait(keys: number, ...args: (string | number)[]): Promise<number>;
  failureAdd(keys: number, ...args: (string | number)[]): Promise<number>;
  addCall(key: string, id: string, json: string, max: number): Promise<number>;
  swapCall(key: string, id: string, expected: string, next: string): Promise<number>;
};

const nonce = () => randomBytes(9).toString('base64url');

/** Runs a command; a connection or timeout failure becomes SharedStateUnavailableError. */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof Error && err.name === 'ReplyError') throw err;
    throw new SharedStateUnavailableError(err);
  }
}

class RedisCounterStore implements CounterStore {
  constructor(
    readonly redis: Scripted,
    readonly prefix: string,
  ) {}

  async acquire(buckets: readonly Bucket[], nowMs: number): Promise<Decision> {
    const keys = buckets.map((b) => `${this.prefix}rate:${b.key}`);
    const args = buckets.flatMap((b) => [b.limit, b.windowMs]);
    const [allowed, index, remaining, resetMs] = await guarded(() =>
      this.redis.acquire(keys.length, ...keys, nowMs, nonce(), ...args),
    );
    const bucket = buckets[index - 1] ?? { key: '', limit: 0, windowMs: 0 };
    const tightest: BucketState = {
      bucket,
      remaining: Math.max(0, remaining),
      resetMs: Math.max(0, resetMs),
    };
    return { allowed: allowed === 1, tightest, retryAfterMs: allowed === 1 ? 0 : tightest.resetMs };
  }

  async clear(): Promise<void> {
    await guarded(() => deleteMatching(this.redis, `${this.prefix}rate:*`));
  }
}

async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

class RedisFailureLog implements FailureLog {
  constructor(
    readonly redis: Scripted,
    readonly prefix: string,
    readonly windowMs: number,
  ) {}

  retryAfter(checks: readonly LockoutCheck[]): Promise<number> {
    const keys = checks.map(([key]) => this.prefix + key);
    return guarded(() =>
      this.redis.failureWait(keys.length, ...keys, this.windowMs, ...checks.map(([, limit]) => limit)),
    );
  }

  async fail(keys: readonly string[]): Promise<void> {
    const full = keys.map((k) => this.prefix + k);
    await guarded(() => this.redis.failureAdd(full.length, ...full, this.windowMs, nonce()));
  }
}

class RedisReplayGuard implements ReplayGuard {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  async use(key: string, ttlMs: number): Promise<boolean> {
    const set = await guarded(() =>
      this.redis.set(`${this.prefix}jti:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return set === 'OK';
  }
}

class RedisCallStore implements ActiveCallStore {
  constructor(
    readonly redis: Scripted,
    readonly prefix: string,
  ) {}

  #key(tenantId: string): string {
    return `${this.prefix}calls:${tenantId}`;
  }

  async get(tenantId: string, id: string): Promise<StoredCall | undefined> {
    const token = await guarded(() => this.redis.hget(this.#key(tenantId), id.toLowerCase()));
    return token === null ? undefined : { call: JSON.parse(token) as SimCall, token };
  }

  async list(tenantId: string): Promise<SimCall[]> {
    const all = await guarded(() => this.redis.hvals(this.#key(tenantId)));
    return all.map((c) => JSON.parse(c) as SimCall);
  }

  async add(call: SimCall, max: number): Promise<boolean> {
    const json = JSON.stringify(call);
    return (
      (await guarded(() =>
        this.redis.addCall(this.#key(call.tenantId), call.id.toLowerCase(), json, max),
      )) === 1
    );
  }

  async replace(token: string, call: SimCall): Promise<boolean> {
    const json = JSON.stringify(call);
    const key = this.#key(call.tenantId);
    return (await guarded(() => this.redis.swapCall(key, call.id.toLowerCase(), token, json))) === 1;
  }

  async remove(token: string, call: SimCall): Promise<boolean> {
    const key = this.#key(call.tenantId);
    return (await guarded(() => this.redis.swapCall(key, call.id.toLowerCase(), token, ''))) === 1;
  }
}

/** Publishes on one channel; a second connection (Redis needs one for subscribing) hands messages to a LocalBus. */
class RedisBus {
  readonly local = new LocalBus();

  constructor(
    readonly redis: Redis,
    readonly channel: string,
  ) {}

  async publish(topic: string): Promise<void> {
    await guarded(() => this.redis.publish(this.channel, topic));
  }

  subscribe(topic: string, listener: () => void): void {
    this.local.subscribe(topic, listener);
  }
}

export async function redisCoordination(o: RedisOptions): Promise<Coordination> {
  const options = {
    lazyConnect: true,
    // A command fails at once while the connection is down (the request gets a 503) instead of queueing for ever;
    // the client keeps reconnecting in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: o.commandTimeoutMs ?? 2000,
    connectTimeout: 5000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  const redis = new Redis(o.url, options) as Scripted;
  redis.on('error', () => {
    // Connection errors surface on the commands that fail; the client reconnects by itself.
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot connect to Redis at ${redactRedisUrl(o.url)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  redis.defineCommand('acquire', { lua: ACQUIRE });
  redis.defineCommand('failureWait', { lua: RETRY_AFTER });
  redis.defineCommand('failureAdd', { lua: FAIL });
  redis.defineCommand('addCall', { numberOfKeys: 1, lua: ADD_CALL });
  redis.defineCommand('swapCall', { numberOfKeys: 1, lua: SWAP_CALL });

  const channel = `${o.prefix}bus`;
  const bus = new RedisBus(redis, channel);
  // Subscribing needs its own connection; its commands may queue while it reconnects (it resubscribes itself).
  const subscriber = new Redis(o.url, { lazyConnect: true, connectTimeout: 5000 });
  subscriber.on('error', () => {});
  subscriber.on('message', (ch: string, topic: string) => {
    if (ch === channel) bus.local.emit(topic);
  });
  await subscriber.connect();
  await subscriber.subscribe(channel);

  const failureLogs = new Map<string, FailureLog>();
  return {
    kind: 'redis',
    counters: new RedisCounterStore(redis, o.prefix),
    failures(name, windowMs) {
      let log = failureLogs.get(name);
      if (!log)
        failureLogs.set(name, (log = new RedisFailureLog(redis, `${o.prefix}fail:${name}:`, windowMs)));
      return log;
    },
    replay: new RedisReplayGuard(redis, o.prefix),
    bus,
    calls: new RedisCallStore(redis, o.prefix),
    async health(): Promise<DependencyHealth> {
      const started = performance.now();
      try {
        await redis.ping();
        return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    },
    async close() {
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'redacted';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
