/** Maps a Belvo answer (status + body) to a result or an error, per CONTRACT.md section 4. */
import { ErrorCode, UpstreamError, type UpstreamDetails } from "../errors.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import { NOT_JSON, UnexpectedBody, isObject, optionalString, type Json } from "./json.js";
import { toChallenge } from "./mapping.js";

export interface Answer {
  status: number;
  body: Json | typeof NOT_JSON;
}

const FIELD_VALIDATION_CODES = new Set([
  "required",
  "null",
  "blank",
  "invalid",
  "invalid_choice",
  "does_not_exist",
  "not_a_list",
  "parse_error",
  "validation_error",
]);
/** Belvo's docs: try again later (the institution or Belvo itself may recover). */
const RETRYABLE_CODES = new Set([
  "too_many_sessions",
  "institution_down",
  "institution_unavailable",
  "unexpected_error",
]);
/** Belvo counts 80 requests per 30 s per IP; its limit answers a 403 HTML page without a delay. */
const RATE_LIMIT_RETRY_AFTER_S = 30;
const QUOTE_LIMIT = 300;

interface BelvoErrorEntry {
  code: string | null;
  message: string | null;
  requestId: string | null;
  field: string | null;
}

/** The first entry of Belvo's error list (or a bare error object); null when there is none. */
function firstError(body: Json | typeof NOT_JSON): BelvoErrorEntry | null {
  if (body === NOT_JSON) return null;
  const entry = Array.isArray(body) ? body[0] : body;
  if (!isObject(entry)) return null;
  const read = (key: string) => {
    try {
      return optionalString(entry, key);
    } catch {
      return null;
    }
  };
  const result = {
    code: read("code"),
    message: read("message") ?? read("detail"),
    requestId: read("request_id"),
    field: read("field"),
  };
  return result.code === null && result.message === null ? null : result;
}

/** Quotes Belvo's message with every secret that was sent taken out, and bounded in length. */
function quote(message: string | null, secrets: readonly string[]): string {
  if (!message) return "";
  let text = message;
  for (const secret of secrets) {
    if (secret) text = text.split(secret).join("[redacted]");
  }
  text = text.replace(/\s+/g, " ").trim();
  return `: ${text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text}`;
}

function errorFor(answer: Answer, secrets: readonly string[]): UpstreamError {
  const { status } = answer;
  const entry = firstError(answer.body);
  const upstream: UpstreamDetails = {
    status,
    code: entry?.code ?? null,
    requestId: entry?.requestId ?? null,
  };
  const said = quote(entry?.message ?? null, secrets);
  const label = entry?.code ? `HTTP ${status} ${entry.code}` : `HTTP ${status}`;

  if (status === 401) {
    return new UpstreamError(
      "Belvo refused the gateway's own credentials (HTTP 401); the gateway operator must check BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
      ErrorCode.UpstreamAuthFailed,
      upstream,
      false,
    );
  }
  if (status === 403 && answer.body === NOT_JSON) {
    return new UpstreamError(
      `Belvo is limiting the gateway's requests (HTTP 403 rate-limit page); retry in ${RATE_LIMIT_RETRY_AFTER_S} s.`,
      ErrorCode.UpstreamRateLimited,
      upstream,
      true,
      { retryAfter: RATE_LIMIT_RETRY_AFTER_S },
    );
  }
  if (status === 408) {
    return new UpstreamError(
      `Belvo timed out while talking to the institution (${label}); part of the data may have been saved: ask for less (a shorter date range) or retry later${said}`,
      ErrorCode.UpstreamTimeout,
      upstream,
      true,
    );
  }
  if (status >= 500) {
    return new UpstreamError(
      `Belvo failed (${label})${said}`,
      ErrorCode.UpstreamError,
      upstream,
      true,
    );
  }
  if (status < 400 || entry === null) {
    return new UpstreamError(
      `Belvo answered ${label} with a body the gateway does not understand.`,
      ErrorCode.UpstreamError,
      upstream,
      false,
    );
  }
  if (entry.code === "session_expired") {
    return new UpstreamError(
      `The MFA session has expired; start again by registering the link or retrieving the balances anew${said}`,
      ErrorCode.MfaSessionExpired,
      upstream,
      false,
    );
  }
  if (status === 400 && entry.code !== null && FIELD_VALIDATION_CODES.has(entry.code)) {
    const field = entry.field ? ` (field "${entry.field}")` : "";
    return new UpstreamError(
      `Belvo rejected the input${field}${said}`,
      ErrorCode.BadUserInput,
      upstream,
      false,
    );
  }
  return new UpstreamError(
    `Belvo refused the request (${label})${said}`,
    ErrorCode.UpstreamRejected,
    upstream,
    entry.code !== null && RETRYABLE_CODES.has(entry.code),
  );
}

function unexpected(status: number, error: unknown): UpstreamError {
  const why = error instanceof UnexpectedBody ? ` (${error.message})` : "";
  return new UpstreamError(
    `Belvo answered HTTP ${status} with a body the gateway does not understand${why}.`,
    ErrorCode.UpstreamError,
    { status, code: null, requestId: null },
    false,
  );
}

/** A read: 2xx is the success value, anything else is thrown as an UpstreamError. */
export function interpretAnswer<T>(
  answer: Answer,
  toSuccess: (body: Json, status: number) => T,
  secrets: readonly string[],
): T {
  if (answer.status >= 200 && answer.status < 300 && answer.body !== NOT_JSON) {
    try {
      return toSuccess(answer.body, answer.status);
    } catch (error) {
      throw unexpected(answer.status, error);
    }
  }
  throw errorFor(answer, secrets);
}

/**
 * A resume or start of an MFA flow: 2xx is the success member, a 428 token request is the
 * challenge, anything else is thrown as an UpstreamError. `secrets` are the values sent that
 * must never be quoted back.
 */
export function interpretMfaAnswer<T>(
  answer: Answer,
  toSuccess: (body: Json, status: number) => T,
  receivedAt: Date,
  secrets: readonly string[],
): T | MfaChallenge {
  const { status, body } = answer;
  if (status === 428 && body !== NOT_JSON) {
    let challenge: MfaChallenge | null;
    try {
      challenge = toChallenge(body, receivedAt);
    } catch (error) {
      throw unexpected(status, error);
    }
    if (challenge) return challenge;
  }
  return interpretAnswer(answer, toSuccess, secrets);
}
