import { ErrorCode, GatewayError } from "../errors.js";
import { MfaChallenge } from "../types/mfa-challenge.type.js";
import type { Counters } from "./counters.js";

export interface AttemptLimit {
  /** Failed resumes allowed per link in one window. */
  max: number;
  windowMs: number;
}

export class RateLimited extends GatewayError {
  constructor(message: string, retryAfterMs: number) {
    super(message, ErrorCode.RateLimited, {
      retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    });
  }
}

/**
 * Caps failed MFA resumes per link (the session changes with every fresh challenge; the link
 * does not). An attempt is counted before it is sent, so concurrent requests cannot slip past
 * the cap, and given back unless Belvo answered it with a fresh challenge.
 */
export class AttemptGuard {
  constructor(
    private readonly counters: Counters,
    private readonly limit: AttemptLimit,
  ) {}

  async resume<T>(link: string, send: () => Promise<T | MfaChallenge>): Promise<T | MfaChallenge> {
    const key = `mfa-failures:${link.toLowerCase()}`;
    const { count, resetInMs } = await this.counters.increment(key, this.limit.windowMs);
    if (count > this.limit.max) {
      await this.counters.decrement(key);
      throw new RateLimited(
        `Too many failed MFA attempts for this link (${this.limit.max} per ${Math.round(this.limit.windowMs / 60_000)} minutes); retry later.`,
        resetInMs,
      );
    }
    let failed = false;
    try {
      const result = await send();
      failed = result instanceof MfaChallenge;
      return result;
    } finally {
      if (!failed) await this.counters.decrement(key);
    }
  }
}
