import { ErrorCode, GatewayError, UpstreamError, type UpstreamErrorCode } from "../errors.js";
import type { Log } from "../logger.js";
import { UnsentCall } from "../upstream/belvo-http.js";
import type { RequestTrace } from "../tracing/tracing.js";
import { MfaChallenge } from "../types/mfa-challenge.type.js";
import type { Cap, StoreName } from "./caps.js";

export class RateLimited extends GatewayError {
  constructor(message: string, retryAfterMs: number) {
    super(message, ErrorCode.RateLimited, {
      retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    });
  }
}

/**
 * Whether Belvo may have judged the token or password sent, so that the attempt counts: a fresh
 * challenge (checked by the caller), a field error, a refusal that is not retryable
 * (`login_error`), or no answer in time to a call that was sent. An error of the gateway's own,
 * a call never sent (no connection within the deadline: Belvo never saw it), an expired session,
 * or Belvo failing or refusing the gateway's keys judged nothing.
 */
function judged(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error instanceof UnsentCall) return false;
  const code = error.extensions.code as UpstreamErrorCode;
  switch (code) {
    case ErrorCode.BadUserInput:
    case ErrorCode.UpstreamTimeout:
      return true;
    // A retryable refusal (`institution_down`, `too_many_sessions`) is about the bank, not the secret.
    case ErrorCode.UpstreamRejected:
      return error.extensions.retryable !== true;
    // Nor is Belvo's rate-limit page (too many calls from the gateway's address), or anything below.
    case ErrorCode.MfaSessionExpired:
    case ErrorCode.UpstreamAuthFailed:
    case ErrorCode.UpstreamRateLimited:
    case ErrorCode.UpstreamError:
    case ErrorCode.UpstreamUnavailable:
      return false;
    default: {
      const unknown: never = code;
      return unknown;
    }
  }
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/** Default-ignorable code points and every other format character (Cf): invisible in a name. */
const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
/** Combining marks, once decomposed: accents, which an accent-insensitive collation ignores. */
const MARKS = /\p{M}/gu;

/**
 * One spelling for every look-alike of a username or institution, for the login cap's key only
 * (Belvo gets the text as typed): default-ignorable and format characters removed (zero-width
 * characters, soft hyphens, variation selectors, fillers, annotation anchors), NFKD (full-width
 * letters and digits, ligatures, compatibility spaces) with every combining mark removed (`á`,
 * `a` + U+0301 and `a` meet, as in a bank's accent-insensitive lookup), full case folding (upper
 * then lower, so `ß` and `SS` meet), the same again (folding can undo it), and trimmed. Folding
 * too much only makes two names share a counter; too little gives a name more tries.
 */
function loginKeyPart(text: string): string {
  return text
    .replace(IGNORABLE, "")
    .normalize("NFKD")
    .replace(MARKS, "")
    .toUpperCase()
    .toLowerCase()
    .normalize("NFKD")
    .replace(MARKS, "")
    .replace(IGNORABLE, "")
    .trim();
}

/**
 * Caps failed MFA resumes per link (the session changes with every fresh challenge; the link does
 * not) and failed logins per institution + username. An attempt is counted before it is sent, so
 * concurrent requests cannot slip past the cap, and given back once Belvo's answer shows it judged
 * nothing wrong. When the store does not answer before sending, nothing is sent (GUARD_UNAVAILABLE);
 * once Belvo has answered, nothing the store does can turn that answer into an error.
 */
export class AttemptGuard {
  constructor(
    private readonly caps: { mfa: Cap; logins: Cap },
    private readonly log: Log,
    /** The request's trace: a step that goes to Redis is a span in it. */
    private readonly trace?: RequestTrace,
  ) {}

  resume<T>(link: string, send: () => Promise<T | MfaChallenge>): Promise<T | MfaChallenge> {
    const { max, windowMs } = this.caps.mfa.window;
    return this.attempt(
      this.caps.mfa,
      link.toLowerCase(),
      () =>
        `Too many failed MFA attempts for this link (${max} per ${minutes(windowMs)} minutes); retry later.`,
      send,
      (result) => result instanceof MfaChallenge,
    );
  }

  /** A challenge answers a right password: only errors can count. */
  login<T>(institution: string, username: string, send: () => Promise<T>): Promise<T> {
    const { max, windowMs } = this.caps.logins.window;
    return this.attempt(
      this.caps.logins,
      `${loginKeyPart(institution)}\n${loginKeyPart(username)}`,
      () =>
        `Too many failed logins for this username at this institution (${max} per ${minutes(windowMs)} minutes); retry later.`,
      send,
      () => false,
    );
  }

  /**
   * New credentials for a link (updateLink): failed ones count per link, on the logins' cap, so a
   * link id cannot be used to try passwords. A challenge answers a right password.
   */
  relogin<T>(link: string, send: () => Promise<T>): Promise<T> {
    const { max, windowMs } = this.caps.logins.window;
    return this.attempt(
      this.caps.logins,
      `link\n${link.toLowerCase()}`,
      () =>
        `Too many failed credential updates for this link (${max} per ${minutes(windowMs)} minutes); retry later.`,
      send,
      () => false,
    );
  }

  private async attempt<T>(
    cap: Cap,
    key: string,
    /** The refusal's message, written only when the cap refuses. */
    refusal: () => string,
    send: () => Promise<T>,
    failed: (result: T) => boolean,
  ): Promise<T> {
    const name = cap.storeName(key);
    // In this process the cap answers at once: no await for it (nor for its give-back).
    const taken = cap.take(name, this.trace);
    const retryAfterMs = taken instanceof Promise ? await taken : taken;
    if (retryAfterMs !== null) throw new RateLimited(refusal(), retryAfterMs);
    let result: T;
    try {
      result = await send();
    } catch (error) {
      const back = judged(error) ? undefined : this.giveBack(cap, name);
      if (back) await back;
      throw error;
    }
    const back = failed(result) ? undefined : this.giveBack(cap, name);
    if (back) await back;
    return result;
  }

  /** Must not throw: Belvo has answered, and that answer reaches the client. */
  private giveBack(cap: Cap, name: StoreName): Promise<void> | undefined {
    const warn = (error: unknown) =>
      this.log.warn(
        { guard: cap.name, err: { message: error instanceof Error ? error.message : "unknown" } },
        "could not give a counted attempt back (store unreachable); the answer is delivered",
      );
    try {
      const given = cap.giveBack(name, this.trace);
      return given instanceof Promise ? given.catch(warn) : undefined;
    } catch (error) {
      warn(error);
      return undefined;
    }
  }
}
