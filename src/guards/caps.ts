/**
 * Fixed-window caps on rate-limiter-flexible: in this process (RateLimiterMemory) or in Redis
 * (RateLimiterRedis: one atomic Lua script a count, on the gateway's ioredis client).
 *
 * No insurance limiter: when Redis does not answer, a cap refuses with GUARD_UNAVAILABLE (fail
 * closed). An in-memory insurance would let each replica count alone, so N replicas would allow N
 * times the cap, silently, for as long as Redis is away: a guard that quietly weakens.
 */
import { createHmac } from "node:crypto";
import { HeaderMap } from "@apollo/server";
import type { RequestTrace } from "../tracing/tracing.js";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
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

/**
 * One cap: `name` separates caps in the store, and keys are stored as HMAC-SHA256 under the
 * store-key secret (guards/store-keys.ts): a link id, a username or a client key never appears
 * in Redis, in clear or as a hash anyone could recompute.
 */
export class Cap {
  private readonly limiter: RateLimiterAbstract;

  private readonly redis: (GuardStore & { kind: "redis" }) | null;

  /** Takes begun on this cap: a give-back forgets a key only if none began meanwhile. */
  private takes = 0;

  private readonly encoding: "hex" | "base64url";

  constructor(
    store: GuardStore,
    readonly name: string,
    readonly window: Window,
    /** The store-key secret (guards/store-keys.ts). */
    private readonly secret: Buffer,
    tracer?: StepTracer,
  ) {
    this.redis = store.kind === "redis" ? store : null;
    // In this process each cap has its own limiter, so no prefix is needed, and a shorter key
    // (base64url) is a smaller record kept for the whole window; Redis keys keep their names.
    this.encoding = store.kind === "memory" ? "base64url" : "hex";
    const options = {
      keyPrefix: store.kind === "memory" ? "" : `belvo-gateway:${name}`,
      points: window.max,
      // Whole seconds: Redis's SET EX takes no fraction.
      duration: Math.max(1, Math.ceil(window.windowMs / 1000)),
    };
    this.limiter =
      store.kind === "memory"
        ? new RateLimiterMemory(options)
        : new RateLimiterRedis({
            ...options,
            storeClient: store.redis,
            rejectIfRedisNotReady: true,
          });
    // Only a step that goes to Redis gets a span.
    this.tracer = store.kind === "redis" ? tracer : undefined;
  }

  private readonly tracer: StepTracer | undefined;

  /** `work` inside the tracer's span for this cap's `step`, when there is one. */
  private traced<T>(
    trace: RequestTrace | undefined,
    step: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.tracer ? this.tracer(trace, this.name, step, work) : work();
  }

  /**
   * Counts one hit on `key`: null within the cap, else the milliseconds until the window ends.
   * Throws GuardUnavailable when the store does not answer (within its command deadline).
   */
  take(key: string, trace?: RequestTrace): Promise<number | null> {
    return this.traced(trace, "increment", () => this.consume(key));
  }

  private async consume(key: string): Promise<number | null> {
    const hashed = this.hash(key);
    this.takes++;
    try {
      await this.limiter.consume(hashed);
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
      throw new GuardUnavailable();
    }
  }

  /**
   * Takes one hit back (an attempt that turned out not to count). Throws when the store fails.
   *
   * A key back at zero is forgotten. In Redis, in one script (GIVE_BACK): a successful login
   * leaves no trace there. In this process, RateLimiterMemory keeps a record and a timer per key
   * for the whole window, and distinct links or usernames would otherwise hold memory for
   * nothing. The count read is exact only if no take ran since the reward (takes run between the
   * reward and this line's continuation); then RateLimiterMemory's delete acts at once.
   */
  giveBack(key: string, trace?: RequestTrace): Promise<void> {
    return this.traced(trace, "decrement", () => this.reward(key));
  }

  private async reward(key: string): Promise<void> {
    const hashed = this.hash(key);
    if (this.redis) {
      await this.redis.redis.eval(GIVE_BACK, 1, this.limiter.getKey(hashed));
      return;
    }
    const takes = this.takes;
    const left = await this.limiter.reward(hashed, 1);
    if (left.consumedPoints <= 0 && takes === this.takes) {
      await this.limiter.delete(hashed);
    }
  }

  /**
   * The key's name in the store: an HMAC under the store-key secret (not the one-shot sha256 the
   * perf work measured: that name could be recomputed by anyone who reads Redis).
   */
  private hash(key: string): string {
    return createHmac("sha256", this.secret).update(`${this.name}\n${key}`).digest(this.encoding);
  }
}
