/** The caps the gateway keeps, on one store, and what the HTTP edge and resolvers ask of them. */
import type { Limits } from "../config.js";
import type { Log } from "../logger.js";
import type { RequestTrace } from "../tracing/tracing.js";
import { PageCursors } from "../pages/cursors.js";
import { AttemptGuard } from "./attempts.js";
import { Cap, type Settled, type StepTracer } from "./caps.js";
import { storeAnswers, type GuardStore } from "./store.js";

export class Guards {
  private readonly rate: Cap | null;

  private readonly caps: { mfa: Cap; logins: Cap };

  /** Seals and opens page cursors under the same secret (pages/cursors.ts). */
  readonly cursors: PageCursors;

  constructor(
    private readonly store: GuardStore,
    limits: Limits,
    /** The store-key secret (guards/store-keys.ts): every cap's keys are HMACs under it. */
    secret: Buffer,
    tracer?: StepTracer,
  ) {
    this.cursors = new PageCursors(secret);
    this.rate =
      limits.ratePerMinute === null
        ? null
        : new Cap(store, "rate", { max: limits.ratePerMinute, windowMs: 60_000 }, secret, tracer);
    this.caps = {
      mfa: new Cap(
        store,
        "mfa-failures",
        {
          max: limits.mfaMaxFailures,
          windowMs: limits.mfaWindowMs,
        },
        secret,
        tracer,
      ),
      logins: new Cap(
        store,
        "login-failures",
        {
          max: limits.loginMaxFailures,
          windowMs: limits.loginWindowMs,
        },
        secret,
        tracer,
      ),
    };
  }

  /** The failed-MFA and failed-login caps for one request, logging on its logger, in its trace. */
  attempts(log: Log, trace?: RequestTrace): AttemptGuard {
    return new AttemptGuard(this.caps, log, trace);
  }

  /**
   * Counts one request for a client key (or address): null within RATE_LIMIT_PER_MINUTE (or
   * when it is off), else the milliseconds until the window ends; at once unless the store is
   * Redis. Rejects with GuardUnavailable.
   */
  overRate(client: string, trace?: RequestTrace): Settled<number | null> {
    return this.rate ? this.rate.take(this.rate.storeName(client), trace) : null;
  }

  get ratePerMinute(): number | null {
    return this.rate?.window.max ?? null;
  }

  /** For /ready: false while the store does not answer. */
  ready(): Promise<boolean> {
    return storeAnswers(this.store);
  }
}
