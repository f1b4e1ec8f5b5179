/**
 * Where every Redis client of the gateway connects (the guards' store, the idempotency store and
 * its subscriber): one URL (REDIS_URL), or the primary that Redis Sentinel names
 * (REDIS_SENTINELS, REDIS_SENTINEL_NAME). Through Sentinel, ioredis asks the sentinels for the
 * primary, checks the server it reaches is one (ROLE), and after a failover (Sentinel disconnects
 * the clients of the old primary; the failover detector hears `+switch-master` too) asks again.
 * The caller's deadlines stay: every command still fails past its `commandTimeout`, and asking a
 * sentinel has the same deadline.
 */
import { createRequire } from "node:module";
import type { Redis, RedisOptions } from "ioredis";
import type { RedisTarget } from "./config.js";

/**
 * ioredis, loaded by the first client made: a gateway without Redis never loads it (about 5 MB
 * of resident memory: its commands table, its parser, its dependencies). It is CommonJS, so a
 * synchronous require keeps `createRedis` synchronous for its callers.
 */
const load = createRequire(import.meta.url);
let ioredis: typeof import("ioredis") | undefined;

export type { RedisTarget };

/** The name every connection of the gateway gives itself (CLIENT LIST shows who is connected). */
export const REDIS_CLIENT_NAME = "belvo-graphql-gateway";

/** A client of `target` with the caller's options (deadlines, queueing, retries). */
export function createRedis(target: RedisTarget, options: RedisOptions): Redis {
  ioredis ??= load("ioredis") as typeof import("ioredis");
  const { Redis } = ioredis;
  const named = { connectionName: REDIS_CLIENT_NAME, ...options };
  if (typeof target === "string") return new Redis(target, named);
  return new Redis({
    ...named,
    sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
    name: target.name,
    // Asking a sentinel where the primary is has the deadline of a command.
    sentinelCommandTimeout: options.commandTimeout,
    // Disconnect as soon as a sentinel announces a new primary, not only when the old one drops us.
    failoverDetector: true,
  });
}
