/**
 * Fixed-window counters shared by the rate limits: in this process by default, in Redis when
 * REDIS_URL is set so that every replica behind a load balancer counts together.
 */
import { Redis } from "ioredis";

export interface Count {
  count: number;
  /** Milliseconds until the window (which started at its first hit) ends. */
  resetInMs: number;
}

export interface Counters {
  /** Adds one to `key`; a new window of `windowMs` starts at a key's first hit. */
  increment(key: string, windowMs: number): Promise<Count>;
  /** Takes one back (an attempt that turned out not to count). */
  decrement(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCounters implements Counters {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  /**
   * `maxKeys` bounds memory whatever the keys: past it, ended windows are dropped and then, if
   * need be, the oldest window (Map order is insertion order).
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  increment(key: string, windowMs: number): Promise<Count> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.makeRoom(now);
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return Promise.resolve({ count: window.count, resetInMs: window.resetAt - now });
  }

  /** A window back at zero is forgotten, so keys that never fail cost nothing. */
  decrement(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && --window.count <= 0) this.windows.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    if (this.windows.size < this.maxKeys) return;
    // Windows are inserted in order of their start: drop the oldest tenth at once, so that the
    // sweep above does not run on every new key.
    let drop = Math.max(1, Math.floor(this.maxKeys / 10));
    for (const key of this.windows.keys()) {
      this.windows.delete(key);
      if (--drop === 0) break;
    }
  }
}

/** INCR, and PEXPIRE on the first hit, in one round trip and atomically. */
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** A window that has already ended must not come back as -1 with no expiry. */
const DECREMENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end
return 0
`;

export class RedisCounters implements Counters {
  private readonly redis: Redis;

  private readonly prefix: string;

  constructor(
    url: string,
    options: { onError?: (error: Error) => void; prefix?: string; connectTimeoutMs?: number } = {},
  ) {
    this.prefix = options.prefix ?? "belvo-gateway:";
    // A call fails after one retry rather than queueing while Redis is away.
    this.redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
    });
    this.redis.on("error", options.onError ?? (() => undefined));
  }

  /** Connects and checks the server answers; start-up calls it to fail fast. */
  async connect(): Promise<void> {
    await this.redis.connect();
    await this.redis.ping();
  }

  async increment(key: string, windowMs: number): Promise<Count> {
    const [count, ttl] = (await this.redis.eval(
      INCREMENT,
      1,
      this.prefix + key,
      String(windowMs),
    )) as [number, number];
    return { count, resetInMs: ttl > 0 ? ttl : windowMs };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.eval(DECREMENT, 1, this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  /** Drops the connection without waiting for Redis (when it is unreachable). */
  disconnect(): void {
    this.redis.disconnect();
  }
}
