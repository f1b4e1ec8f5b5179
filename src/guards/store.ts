/**
 * Where the guards count: this process, or Redis (REDIS_URL) so that every replica counts
 * together. Every Redis command has a deadline and nothing waits in a queue while Redis is away:
 * a guard whose store does not answer refuses (GUARD_UNAVAILABLE) rather than letting a request
 * through uncounted or hanging it.
 */
import type { Redis } from "ioredis";
import { createRedis, type RedisTarget } from "../redis-connection.js";

export interface RedisDeadlines {
  /** Each command (and the readiness check) fails past this. */
  commandTimeoutMs: number;
  /** Connecting, and the start-up check that Redis answers. */
  connectTimeoutMs: number;
}

export type GuardStore =
  { kind: "memory" } | { kind: "redis"; redis: Redis; deadlines: RedisDeadlines };

export const MEMORY_STORE: GuardStore = { kind: "memory" };

/** A URL may hold a password: no message built here quotes it. */
export function redisStore(
  target: RedisTarget,
  deadlines: RedisDeadlines,
  onError: (error: Error) => void,
): GuardStore & { kind: "redis" } {
  const redis = createRedis(target, {
    lazyConnect: true,
    commandTimeout: deadlines.commandTimeoutMs,
    connectTimeout: deadlines.connectTimeoutMs,
    // A command sent while Redis is away fails at once instead of waiting for a reconnection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  redis.on("error", onError);
  return { kind: "redis", redis, deadlines };
}

/**
 * Connects and checks that Redis answers a PING, all within `connectTimeoutMs`: a server that
 * accepts the connection and never replies fails start-up instead of leaving it silent.
 */
export async function checkStore(store: GuardStore): Promise<void> {
  if (store.kind === "memory") return;
  const { redis, deadlines } = store;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to PING within ${deadlines.connectTimeoutMs} ms`)),
      deadlines.connectTimeoutMs,
    );
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), deadline]);
  } catch (error) {
    redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** True when the store answers now (a PING within the command deadline). Never throws. */
export async function storeAnswers(store: GuardStore): Promise<boolean> {
  if (store.kind === "memory") return true;
  if (store.redis.status !== "ready") return false;
  try {
    await store.redis.ping();
    return true;
  } catch {
    return false;
  }
}

export async function closeStore(store: GuardStore): Promise<void> {
  if (store.kind === "memory") return;
  // QUIT waits for Redis; a Redis that does not answer must not hold the exit.
  await Promise.race([
    store.redis.quit().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, store.deadlines.commandTimeoutMs).unref()),
  ]);
  store.redis.disconnect();
}
