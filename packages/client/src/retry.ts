/**
 * Retries of a write with the same Idempotency-Key: the gateway runs a key's request once, so a
 * retry after a lost answer joins it or gets its stored answer, and never sends a token twice.
 * Browser-safe: no Node APIs.
 */

/** Told before each retry, while the client waits to send it again. */
export interface RetryNotice<E = unknown> {
  /** The attempt about to be sent: 2 for the first retry. */
  attempt: number;
  /** How long the client waits before sending it, in ms. */
  delayMs: number;
  /** Why the last attempt failed (a GatewayClientError from the client). */
  error: E;
}

export interface RetryOptions<E = unknown> {
  /**
   * Total time for a call and all its retries, in ms, once an attempt may have reached the
   * gateway; the attempt still running then is abandoned. Default 360 000: one Belvo step may take
   * 330 s, and the answer is worth the wait.
   */
  deadlineMs?: number;
  /**
   * Time for a call and its retries while no attempt has reached the gateway (connection refused,
   * DNS failure, connect timeout), in ms: nothing was sent, so giving up is safe. Default 10 000.
   * Browsers' fetch does not say why it failed: there `deadlineMs` and `maxAttempts` bound it.
   */
  unreachableMs?: number;
  /** First pause before a retry; doubles at each retry up to `maxDelayMs`, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Attempts at most, the first included (default: as many as fit in `deadlineMs`). A page or a
   * terminal that tells its user about a lost connection sets a few, then offers its own retry.
   */
  maxAttempts?: number;
  /**
   * Called before each retry ("reconnecting…"); what it throws is ignored, so a faulty hook
   * cannot break the call.
   */
  onRetry?: (notice: RetryNotice<E>) => void;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, "onRetry">> = {
  deadlineMs: 360_000,
  unreachableMs: 10_000,
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
  /** False when the request surely never left (no connection was made); else true. */
  mayHaveArrived: boolean;
}

/** Codes after which the same request, with the same key, is safe and useful to send again. */
const RETRY_SAME_KEY = new Set(["NETWORK_ERROR", "SHUTTING_DOWN", "IDEMPOTENCY_IN_PROGRESS"]);
/** A proxy's or load balancer's answers when the gateway could not answer. */
const RETRY_STATUSES = new Set([502, 503, 504]);

export function retriesWithSameKey(failure: AttemptFailure): boolean {
  return RETRY_SAME_KEY.has(failure.code) || RETRY_STATUSES.has(failure.status ?? 0);
}

/**
 * What the system says when a connection was never made, so no byte of the request left (Node's
 * fetch puts these codes in its error's `cause`). A reset or a cut connection is not here: the
 * request may have reached the gateway.
 */
const NEVER_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function neverConnected(reason: string): boolean {
  return NEVER_CONNECTED.has(reason);
}

/**
 * A fresh key per write: 128 random bits, so it names one intent of one user. getRandomValues,
 * unlike randomUUID, also works on pages served over plain http from a LAN address.
 */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function tell<E>(onRetry: RetryOptions<E>["onRetry"], notice: RetryNotice<E>): void {
  try {
    onRetry?.(notice);
  } catch {
    // The app's hook failed; the call goes on (see onRetry).
  }
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not worth a retry, or its time
 * is up (then the last error is thrown): `deadlineMs`, or `unreachableMs` while no attempt may
 * have reached the server. Each attempt gets a signal that aborts at the deadline, so a
 * connection that hangs cannot outlast it.
 */
export async function withRetries<T, E>(
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: (error: E) => AttemptFailure,
  options: RetryOptions<E> = {},
): Promise<T> {
  const { deadlineMs, unreachableMs, baseDelayMs, maxDelayMs, maxAttempts, onRetry } = {
    ...DEFAULT_RETRY,
    ...options,
  };
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  let arrived = false;
  try {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(controller.signal);
      } catch (error) {
        const failure = classify(error as E);
        arrived ||= failure.mayHaveArrived;
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** retry) * (0.5 + Math.random() / 2);
        const pause = Math.max(backoff, (failure.retryAfter ?? 0) * 1000);
        if (!retriesWithSameKey(failure) || retry + 1 >= maxAttempts) throw error;
        const budget = arrived ? deadlineMs : Math.min(deadlineMs, unreachableMs);
        if (Date.now() + pause >= started + budget) throw error;
        tell(onRetry, { attempt: retry + 2, delayMs: Math.round(pause), error: error as E });
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
