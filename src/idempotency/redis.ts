/**
 * Claims and sealed answers in Redis, shared by every replica: a claim is one Lua script (atomic).
 * A join waits for the message its request's end publishes (one channel per store, one
 * subscriber connection per process), looking again only every `pollMs` (a lapsed claim publishes
 * nothing, a message may be lost while reconnecting) and at its deadline. Every command has a
 * deadline (`commandTimeout`). Keys are `<prefix>idem:<index>`, the index a slice of an HMAC of
 * the key, and each client key's answer budget `<prefix>idem:scope:<name>:…`, the name an HMAC of
 * the client key's label: nothing in Redis names a client key, a link or a token, and answers are
 * sealed (AES-256-GCM).
 */
import type { Redis } from "ioredis";
import { createRedis, type RedisTarget } from "../redis-connection.js";
import {
  DEFAULT_MEMORY_LIMITS,
  type Box,
  type Claim,
  type Entry,
  type IdempotencyStore,
} from "./store.js";

/** Sets the claim unless an entry exists; returns the existing entry, or false when claimed. */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;

/** Deletes the claim only while it is still this owner's pending claim, and tells the joins. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 0
`;

/**
 * Stores the answer and tells the joins, in one step, within its client key's (scope's) budget of
 * kept answer bytes. Each scope keeps its answers' expiry (KEYS[2], a sorted set), the time they
 * were stored (KEYS[3]) and their sizes as stored plus the scope's total (KEYS[4], a hash); answers
 * that expired leave the count at each store. An answer that would take the scope over its budget
 * is kept whole only if the scope's OLD answers (stored at least `youngMs` ago) can make the room:
 * they are set aside, oldest first (their outcome stays, a retry is refused, never run again).
 * Otherwise it keeps only its outcome. A young answer is never set aside, and another scope's
 * entries are never touched. ARGV[1] is the answer as stored (empty: too large to keep whole),
 * ARGV[2] its outcome only.
 *
 * Everything is first read, then written: the answer's SET is the script's first write, so when
 * Redis refuses it (full, with noeviction: an OOM error), the claim is kept for the answer's
 * lifetime instead (PEXPIRE needs no memory): the request ran, so a retry must find it taken,
 * never claim it and run again once its lease lapses. The error still reaches the caller.
 * Returns 1 when the answer was kept whole, 0 when only its outcome was. An answer set aside is
 * rewritten by name (ARGV[8] .. its index): one Redis, not a Cluster, as the rest of this store.
 * Its work grows with the answers that expired since the last store and those set aside.
 */
const COMPLETE = `
local index, ttl, budget, young = ARGV[5], tonumber(ARGV[3]), tonumber(ARGV[6]), tonumber(ARGV[7])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function size(member)
  return tonumber(redis.call('HGET', KEYS[4], member) or '0')
end
local function live(member)
  local expiry = redis.call('ZSCORE', KEYS[2], member)
  return expiry and tonumber(expiry) > now
end
local total = tonumber(redis.call('HGET', KEYS[4], 'total') or '0')
-- Out of the count: the answers expired, and this index's own earlier one (stored twice).
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
if live(index) then table.insert(gone, index) end
for _, member in ipairs(gone) do total = total - size(member) end
local bytes = #ARGV[1]
local kept = bytes > 0 and bytes <= budget
local aside = {}
local need = total + bytes - budget
if kept and need > 0 then
  local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - young)
  for _, member in ipairs(old) do
    if need <= 0 then break end
    if member ~= index and live(member) then
      table.insert(aside, member)
      need = need - size(member)
    end
  end
  kept = need <= 0
end
local stored = redis.pcall('SET', KEYS[1], kept and ARGV[1] or ARGV[2], 'PX', ttl)
if type(stored) == 'table' and stored.err then
  redis.call('PEXPIRE', KEYS[1], ttl)
  return stored
end
local count = tonumber(redis.call('HGET', KEYS[4], 'total') or '0')
local function forget(member)
  count = count - size(member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('ZREM', KEYS[3], member)
  redis.call('HDEL', KEYS[4], member)
end
for _, member in ipairs(gone) do forget(member) end
if kept then
  for _, member in ipairs(aside) do
    local key = ARGV[8] .. member
    local value = redis.call('GET', key)
    local at = value and string.find(value, ',"b":"', 1, true)
    if at then redis.call('SET', key, string.sub(value, 1, at - 1) .. '}', 'KEEPTTL') end
    forget(member)
  end
  redis.call('ZADD', KEYS[2], now + ttl, index)
  redis.call('ZADD', KEYS[3], now, index)
  redis.call('HSET', KEYS[4], index, bytes)
  count = count + bytes
end
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('HSET', KEYS[4], 'total', count)
  for key = 2, 4 do redis.call('PEXPIREAT', KEYS[key], last[2]) end
else
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
end
redis.call('PUBLISH', ARGV[4], index)
return kept and 1 or 0
`;

interface Wire {
  s: "p" | "d";
  f: string;
  o?: string;
  b?: string;
}

function encode(entry: Entry): string {
  const wire: Wire =
    entry.state === "pending"
      ? { s: "p", f: entry.fingerprint, o: entry.owner }
      : entry.box === null
        ? { s: "d", f: entry.fingerprint }
        : { s: "d", f: entry.fingerprint, b: Buffer.from(entry.box).toString("base64") };
  return JSON.stringify(wire);
}

function decode(text: string | null): Entry | null {
  if (text === null) return null;
  const wire = JSON.parse(text) as Wire;
  return wire.s === "p"
    ? { state: "pending", fingerprint: wire.f, owner: wire.o ?? "" }
    : {
        state: "done",
        fingerprint: wire.f,
        box: wire.b === undefined ? null : Buffer.from(wire.b, "base64"),
      };
}

/** The largest answer kept whole in Redis: 8 MiB sealed (about 11 MB as stored, in base64). */
export const DEFAULT_MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** What one client key's answers may keep in Redis at most, as stored: 64 MiB. */
export const DEFAULT_SCOPE_BYTES = 64 * 1024 * 1024;

export interface RedisStoreOptions {
  prefix?: string;
  /** Deadline of every command. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * The largest answer kept whole (sealed bytes); a larger one keeps only its outcome, so one
   * entry never takes more than this of Redis's memory.
   */
  maxAnswerBytes?: number;
  /**
   * What one client key's (scope's) answers may keep at most, in bytes as stored: an answer that
   * would take its scope over it keeps only its outcome, unless the scope's old answers can be set
   * aside to make the room. One client's answers never touch another's.
   */
  scopeBytes?: number;
  /** An answer younger than this is never set aside (as in the in-process store). */
  youngMs?: number;
  /**
   * Pause between two looks while joining a request in flight, when no message came: the end of a
   * request is published, so this only finds a claim that lapsed or a message that was lost.
   */
  pollMs?: number;
  onError?: (error: Error) => void;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly sealsAnswers: boolean = true;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly pollMs: number;
  private readonly maxAnswerBytes: number;
  private readonly scopeBytes: number;
  private readonly youngMs: number;
  /** Where the end of a request (answer stored, claim released) is published: its index. */
  private readonly channel: string;
  private readonly onError: (error: Error) => void;
  /** The joins of this process, by index: each woken by a message for its index. */
  private readonly joins = new Map<string, Set<() => void>>();
  /** The subscriber connection, made at the first join. */
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;
  private closed = false;

  /** `target`: a URL, or Sentinel's primary (every connection, the subscriber's too, follows it). */
  constructor(target: RedisTarget, options: RedisStoreOptions = {}) {
    this.prefix = `${options.prefix ?? "belvo-gateway:"}idem:`;
    this.channel = `${this.prefix}settled`;
    this.onError = options.onError ?? (() => undefined);
    this.pollMs = options.pollMs ?? 1_000;
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.scopeBytes = options.scopeBytes ?? DEFAULT_SCOPE_BYTES;
    this.youngMs = options.youngMs ?? DEFAULT_MEMORY_LIMITS.youngMs;
    this.redis = createRedis(target, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
    });
    this.redis.on("error", this.onError);
  }

  /** Connects and checks the server answers; start-up calls it to fail fast. */
  async connect(): Promise<void> {
    await this.redis.connect();
    await this.redis.ping();
  }

  async claim(index: string, fingerprint: string, owner: string, leaseMs: number): Promise<Claim> {
    const pending = encode({ state: "pending", fingerprint, owner });
    const current = (await this.redis.eval(
      CLAIM,
      1,
      this.prefix + index,
      pending,
      String(leaseMs),
    )) as string | null;
    const entry = decode(current);
    return entry ? { kind: "taken", entry } : { kind: "claimed" };
  }

  /**
   * `scope` names the client key's budget: the gateway passes an HMAC of the client key's label
   * (never the label, the key or a plain hash of it), so it may be part of a Redis key.
   */
  async complete(
    index: string,
    fingerprint: string,
    box: Box,
    ttlMs: number,
    scope = "unscoped",
  ): Promise<boolean> {
    const whole =
      box.length <= this.maxAnswerBytes ? encode({ state: "done", fingerprint, box }) : "";
    const outcome = encode({ state: "done", fingerprint, box: null });
    const budget = `${this.prefix}scope:${scope}:`;
    const kept = await this.redis.eval(
      COMPLETE,
      4,
      this.prefix + index,
      `${budget}expiry`,
      `${budget}stored`,
      `${budget}bytes`,
      whole,
      outcome,
      String(ttlMs),
      this.channel,
      index,
      String(this.scopeBytes),
      String(this.youngMs),
      this.prefix,
    );
    return kept === 1;
  }

  async release(index: string, owner: string): Promise<void> {
    const pending = (await this.redis.get(this.prefix + index)) ?? "";
    const entry = decode(pending === "" ? null : pending);
    if (entry?.state !== "pending" || entry.owner !== owner) return;
    await this.redis.eval(RELEASE, 1, this.prefix + index, pending, this.channel, index);
  }

  /**
   * Looks when a message for `index` comes, else every `pollMs`, until the entry is no longer
   * pending or `deadline` passes. Subscribed before the first look, so no end is missed between.
   */
  async settled(index: string, deadline: number): Promise<Entry | null> {
    // Without the subscription (Redis refused it) the slow look still finds the answer.
    await this.listen().catch((error: unknown) => this.onError(asError(error)));
    let woken = false;
    let wake: () => void = () => undefined;
    const join = () => {
      woken = true;
      wake();
    };
    const joins = this.joins.get(index) ?? new Set();
    this.joins.set(index, joins.add(join));
    try {
      for (;;) {
        woken = false;
        const entry = decode(await this.redis.get(this.prefix + index));
        const wait = Math.min(this.pollMs, deadline - Date.now());
        if (entry?.state !== "pending" || wait <= 0 || this.closed) return entry;
        if (woken) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      joins.delete(join);
      if (joins.size === 0) this.joins.delete(index);
    }
  }

  /** Subscribes this process to the channel once (again after a failure). */
  private listen(): Promise<void> {
    this.subscribed ??= (async () => {
      this.subscriber ??= this.redis.duplicate();
      this.subscriber.on("error", this.onError);
      this.subscriber.on("message", (_channel: string, index: string) => {
        for (const join of this.joins.get(index) ?? []) join();
      });
      await this.subscriber.subscribe(this.channel);
    })().catch((error: unknown) => {
      this.subscribed = null;
      this.subscriber?.disconnect();
      this.subscriber = null;
      throw error;
    });
    return this.subscribed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const joins of this.joins.values()) for (const join of joins) join();
    // QUIT has the commands' deadline: a frozen or dead Redis must not fail the shutdown that
    // closes the store (the drain's last steps, its "stopped" line, exit 0), so the connection
    // is dropped instead.
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Drops the connection without waiting for Redis (when it is unreachable). */
  disconnect(): void {
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
