/**
 * Retries of a write with the same Idempotency-Key: the gateway runs a key's request once, so a
 * retry after a lost answer joins it or gets its stored answer, and never sends a token twice.
 * Browser-safe: no Node APIs.
 */

export interface RetryOptions {
  /**
   * Total time for a call and all its retries, in ms; the attempt still running then is
   * abandoned. Default 360 000: one Belvo step may take 330 s, and the answer is worth the wait.
   */
  deadlineMs?: number;
  /** First pause before a retry; doubles at each retry up to `maxDelayMs`, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Attempts at most, the first included (default: as many as fit in `deadlineMs`). A page or a
   * terminal that tells its user about a lost connection sets a few, then offers its own retry.
   */
  maxAttempts?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  deadlineMs: 360_000,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** What a failed attempt tells the retry loop. */
export interface AttemptFailure {
  code: string;
  /** The HTTP status, when one arrived. */
  status: number | null;
  /** Seconds the gateway asked to wait. */
  retryAfter: number | null;
}

/** Codes after which the same request, with the same key, is safe and useful to send again. */
const RETRY_SAME_KEY = new Set(["NETWORK_ERROR", "SHUTTING_DOWN", "IDEMPOTENCY_IN_PROGRESS"]);
/** A proxy's or load balancer's answers when the gateway could not answer. */
const RETRY_STATUSES = new Set([502, 503, 504]);

export function retriesWithSameKey(failure: AttemptFailure): boolean {
  return RETRY_SAME_KEY.has(failure.code) || RETRY_STATUSES.has(failure.status ?? 0);
}

/**
 * A fresh key per write: 128 random bits, so it names one intent of one user. getRandomValues,
 * unlike randomUUID, also works on pages served over plain http from a LAN address.
 */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not worth a retry, or the
 * deadline passes (then the last error is thrown). Each attempt gets a signal that aborts at
 * the deadline, so a connection that hangs cannot outlast it.
 */
export async function withRetries<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => AttemptFailure,
  options: RetryOptions = {},
): Promise<T> {
  const { deadlineMs, baseDelayMs, maxDelayMs, maxAttempts } = { ...DEFAULT_RETRY, ...options };
  const deadline = Date.now() + deadlineMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  try {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(controller.signal);
      } catch (error) {
        const failure = classify(error);
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** retry) * (0.5 + Math.random() / 2);
        const pause = Math.max(backoff, (failure.retryAfter ?? 0) * 1000);
        if (!retriesWithSameKey(failure) || retry + 1 >= maxAttempts) throw error;
        if (Date.now() + pause >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
