/**
 * Fixed-window caps: in this process (a Map, synchronous) or in Redis (rate-limiter-flexible's
 * RateLimiterRedis: one atomic Lua script a count, on the gateway's ioredis client).
 *
 * No insurance limiter: when Redis does not answer, a cap refuses with GUARD_UNAVAILABLE (fail
 * closed). An in-memory insurance would let each replica count alone, so N replicas would allow N
 * times the cap, silently, for as long as Redis is away: a guard that quietly weakens.
 */
import { createHmac } from "node:crypto";
import { HeaderMap } from "@apollo/server";
import type { RequestTrace } from "../tracing/tracing.js";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ERRORS, ErrorCode, GatewayError } from "../errors.js";
import type { GuardStore } from "./store.js";

/** Seconds a client should wait before retrying a refusal for an unreachable store. */
export const GUARD_RETRY_AFTER_S = 2;

/** HTTP 503 + Retry-After: the request was refused before anything went upstream. */
export class GuardUnavailable extends GatewayError {
  constructor() {
    super(ERRORS[ErrorCode.GuardUnavailable].message, ErrorCode.GuardUnavailable, {
      retryable: true,
      retryAfter: GUARD_RETRY_AFTER_S,
      http: {
        status: ERRORS[ErrorCode.GuardUnavailable].status,
        headers: new HeaderMap([["retry-after", String(GUARD_RETRY_AFTER_S)]]),
      },
    });
  }
}

/**
 * Wraps one step of a cap that touches Redis in a span of the request's trace (tracing's guard
 * span); the cap's name, never a key.
 */
export type StepTracer = <T>(
  request: RequestTrace | undefined,
  cap: string,
  step: string,
  work: () => Promise<T>,
) => Promise<T>;

export interface Window {
  max: number;
  windowMs: number;
}

/**
 * Takes one hit back and forgets the key once nothing is counted, in one step (no take of another
 * replica can fall between the two): a key at zero would only tell a reader of Redis that an
 * attempt was made and succeeded.
 */
const GIVE_BACK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local left = redis.call('DECR', KEYS[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
`;

/** A result that is already there (this process) or on its way (Redis). */
export type Settled<T> = T | Promise<T>;

/**
 * In this process: a count per stored name for its fixed window, read and changed synchronously
 * (no promise, no timer per key, unlike RateLimiterMemory: a resume takes and gives back on a new
 * link each time). Counts past their window are swept once a window, as takes come.
 */
class MemoryWindows {
  private readonly counts = new Map<string, { count: number; endsAt: number }>();
  private sweepAt = 0;

  constructor(
    private readonly max: number,
    private readonly durationMs: number,
  ) {}

  /** Counts one hit (a refused one too, as Redis does): null within the cap, else ms left. */
  take(name: string): number | null {
    const now = Date.now();
    if (now >= this.sweepAt) this.sweep(now);
    let entry = this.counts.get(name);
    if (entry === undefined || entry.endsAt <= now) {
      entry = { count: 0, endsAt: now + this.durationMs };
      this.counts.set(name, entry);
    }
    entry.count++;
    return entry.count > this.max ? Math.max(1, entry.endsAt - now) : null;
  }

  /** Takes one hit back; a name back at zero is forgotten (it would only hold memory). */
  giveBack(name: string): void {
    const entry = this.counts.get(name);
    if (entry !== undefined && --entry.count <= 0) this.counts.delete(name);
  }

  private sweep(now: number): void {
    for (const [name, entry] of this.counts) if (entry.endsAt <= now) this.counts.delete(name);
    this.sweepAt = now + this.durationMs;
  }
}

/**
 * In Redis: rate-limiter-flexible's fixed windows (one atomic Lua script a count) and GIVE_BACK,
 * each step a command, in a span of the request's trace when tracing is on. Rejects with
 * GuardUnavailable when the store does not answer (within its command deadline).
 */
class RedisWindows {
  private readonly limiter: RateLimiterRedis;

  constructor(
    private readonly store: GuardStore & { kind: "redis" },
    private readonly capName: string,
    max: number,
    durationS: number,
    private readonly tracer: StepTracer | undefined,
  ) {
    this.limiter = new RateLimiterRedis({
      keyPrefix: `belvo-gateway:${capName}`,
      points: max,
      duration: durationS,
      storeClient: store.redis,
      rejectIfRedisNotReady: true,
    });
  }

  take(name: string, trace?: RequestTrace): Promise<number | null> {
    const consume = () =>
      this.limiter.consume(name).then(
        () => null,
        (error: unknown) => {
          if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
          throw new GuardUnavailable();
        },
      );
    return this.traced(trace, "increment", consume);
  }

  giveBack(name: string, trace?: RequestTrace): Promise<void> {
    const key = this.limiter.getKey(name);
    const reward = () => this.store.redis.eval(GIVE_BACK, 1, key).then(() => undefined);
    return this.traced(trace, "decrement", reward);
  }

  private traced<T>(trace: RequestTrace | undefined, step: string, work: () => Promise<T>) {
    return this.tracer ? this.tracer(trace, this.capName, step, work) : work();
  }
}

/**
 * One cap: `name` separates caps in the store, and keys are stored as HMAC-SHA256 under the
 * store-key secret (guards/store-keys.ts): a link id, a username or a client key never appears
 * in Redis, in clear or as a hash anyone could recompute. In this process (MemoryWindows) its
 * steps answer synchronously; in Redis (RedisWindows), each is a command.
 */
export class Cap {
  private readonly windows: MemoryWindows | RedisWindows;

  private readonly encoding: "hex" | "base64url";

  constructor(
    store: GuardStore,
    readonly name: string,
    readonly window: Window,
    /** The store-key secret (guards/store-keys.ts). */
    private readonly secret: Buffer,
    tracer?: StepTracer,
  ) {
    // Whole seconds: Redis's SET EX takes no fraction (and this process counts alike).
    const duration = Math.max(1, Math.ceil(window.windowMs / 1000));
    // In this process each cap has its own counts, so no prefix is needed, and a shorter key
    // (base64url) is a smaller record kept for the whole window; Redis keys keep their names.
    this.encoding = store.kind === "memory" ? "base64url" : "hex";
    // Only a step that goes to Redis gets a span.
    this.windows =
      store.kind === "memory"
        ? new MemoryWindows(window.max, duration * 1000)
        : new RedisWindows(store, name, window.max, duration, tracer);
  }

  /**
   * The key's name in the store: an HMAC under the store-key secret (not a plain sha256: that
   * name could be recomputed by anyone who reads Redis). Computed once per attempt: its take and
   * its give-back both name it.
   */
  storeName(key: string): StoreName {
    return createHmac("sha256", this.secret)
      .update(`${this.name}\n${key}`)
      .digest(this.encoding) as StoreName;
  }

  /**
   * Counts one hit on a stored name: null within the cap, else the milliseconds until the window
   * ends. In Redis, rejects with GuardUnavailable when the store does not answer.
   */
  take(name: StoreName, trace?: RequestTrace): Settled<number | null> {
    return this.windows.take(name, trace);
  }

  /**
   * Takes one hit back (an attempt that turned out not to count); a name back at zero is
   * forgotten. In Redis, in one script (GIVE_BACK): a successful login leaves no trace there;
   * rejects when the store fails.
   */
  giveBack(name: StoreName, trace?: RequestTrace): Settled<void> {
    return this.windows.giveBack(name, trace);
  }
}

/** A key as a cap stores it (Cap.storeName): never the key itself. */
export type StoreName = string & { readonly __storeName: true };
