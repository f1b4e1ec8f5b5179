/** Maps a Belvo answer (status + body) to a result or an error, per CONTRACT.md section 4. */
import { UpstreamError, statusOnly, type UpstreamDetails } from "../errors.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import { NOT_JSON, UnexpectedBody, isObject, optionalString, type Json } from "./json.js";
import { toChallenge } from "./mapping.js";
import { Redactor, clearOf } from "./redact.js";

export interface Answer {
  status: number;
  body: Json | typeof NOT_JSON;
}

/** What one call sent, for what may be said back about it. */
export interface Sent {
  /** Every value the gateway sent that is a secret (its keys, the user's credentials). */
  secrets: readonly string[];
  /**
   * The user's own secrets among them (bank credentials, an MFA token): Belvo's text, once cut,
   * is quoted only when no run of them remains in any spelling (`clearOf`), since an echo can
   * take forms no cut knows (a prefix, a Python repr, HTML entities, another normalization).
   */
  userSecrets?: readonly string[];
  /** Belvo's names of the fields the operation's input carries (a field error names one of them). */
  fields: readonly string[];
}

/** Belvo's codes of a field error: the gateway names the input field (BAD_USER_INPUT). */
export const FIELD_VALIDATION_CODES = new Set([
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
/** Belvo's documented error codes (and Django REST framework's): any other is not repeated. */
const KNOWN_CODES = new Set([
  ...FIELD_VALIDATION_CODES,
  "max_length",
  "min_length",
  "max_value",
  "min_value",
  "unique",
  "token_required",
  "session_expired",
  "too_many_sessions",
  "login_error",
  "invalid_link",
  "unconfirmed_link",
  "institution_down",
  "institution_unavailable",
  "institution_inactive",
  "unsupported_operation",
  "invalid_access_mode_switch",
  "invalid_period",
  "already_registered",
  "activation_required",
  "authentication_failed",
  "not_authenticated",
  "access_to_resource_denied",
  "permission_denied",
  "not_found",
  "method_not_allowed",
  "throttled",
  "request_timeout",
  "unexpected_error",
]);
/** Belvo's docs: try again later (the institution or Belvo itself may recover). */
const RETRYABLE_CODES = new Set([
  "too_many_sessions",
  "institution_down",
  "institution_unavailable",
  "unexpected_error",
]);
/** Belvo's request ids, as its API reference gives their pattern. */
const BELVO_REQUEST_ID = /^[a-f0-9]{32}$/;
/** Belvo counts 80 requests per 30 s per IP; its limit answers a 403 HTML page without a delay. */
const RATE_LIMIT_RETRY_AFTER_S = 30;
const QUOTE_LIMIT = 300;

interface BelvoErrorEntry {
  /** Only a known code; null for any other. */
  code: string | null;
  message: string | null;
  /** Only one in Belvo's format. */
  requestId: string | null;
  /** Belvo's name of one of the input's own fields; null for any other. */
  field: string | null;
}

/** The first entry of Belvo's error list (or a bare error object); null when there is none. */
function firstError(
  body: Json | typeof NOT_JSON,
  fields: readonly string[],
): BelvoErrorEntry | null {
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
  const code = read("code");
  const message = read("message") ?? read("detail");
  if (code === null && message === null) return null;
  const requestId = read("request_id");
  const field = read("field");
  return {
    code: code !== null && KNOWN_CODES.has(code) ? code : null,
    message,
    requestId: requestId !== null && BELVO_REQUEST_ID.test(requestId) ? requestId : null,
    field: field !== null && fields.includes(field) ? field : null,
  };
}

/** Belvo's message with every secret sent cut, bounded; nothing when it cannot be cut safely. */
function quote(message: string | null, sent: Sent): string {
  // Built here, on the error path only: a success never pays for it.
  const text = message ? new Redactor(sent.secrets).cut(message) : null;
  if (!text || (sent.userSecrets && !clearOf(text, sent.userSecrets))) return "";
  return `: ${text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text}`;
}

/** `save_data` → `input.saveData`: the schema's path of one of the input's fields. */
function inputPath(belvoField: string): string {
  return `input.${belvoField.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())}`;
}

/**
 * The error for an answer that is neither success nor challenge. Its message is built from known
 * parts only (status, a known code, a field of the input) and Belvo's free text once cut.
 */
function errorFor(answer: Answer, sent: Sent): UpstreamError {
  const { status } = answer;
  const entry = firstError(answer.body, sent.fields);
  const upstream: UpstreamDetails = {
    status,
    code: entry?.code ?? null,
    requestId: entry?.requestId ?? null,
  };
  const said = quote(entry?.message ?? null, sent);
  const label = entry?.code ? `HTTP ${status} ${entry.code}` : `HTTP ${status}`;

  if (status === 401) {
    return UpstreamError.authFailed(upstream);
  }
  if (status === 403 && answer.body === NOT_JSON) {
    return UpstreamError.rateLimited(
      `Belvo is limiting the gateway's requests (HTTP 403 rate-limit page); retry in ${RATE_LIMIT_RETRY_AFTER_S} s.`,
      upstream,
      RATE_LIMIT_RETRY_AFTER_S,
    );
  }
  if (status === 408) {
    return UpstreamError.timeout(
      `Belvo timed out while talking to the institution (${label}); part of the data may have been saved: ask for less (a shorter date range) or retry later${said}`,
      upstream,
    );
  }
  if (status >= 500) {
    return UpstreamError.failed(`Belvo failed (${label})${said}`, upstream);
  }
  if (status < 400 || entry === null) {
    return UpstreamError.unreadable(
      `Belvo answered ${label} with a body the gateway does not understand.`,
      upstream,
    );
  }
  return refusal(status, entry, upstream, said, label);
}

/** A 4xx with Belvo's error list. */
function refusal(
  status: number,
  entry: BelvoErrorEntry,
  upstream: UpstreamDetails,
  said: string,
  label: string,
): UpstreamError {
  if (entry.code === "session_expired") {
    // Belvo's own words say the same again ("The MFA session has expired"): not quoted.
    return UpstreamError.sessionExpired(upstream);
  }
  if (status === 400 && entry.code !== null && FIELD_VALIDATION_CODES.has(entry.code)) {
    const field = entry.field === null ? null : inputPath(entry.field);
    return UpstreamError.invalidInput(
      `Belvo rejected the input${field === null ? "" : ` (${field})`}${said}`,
      upstream,
      field,
    );
  }
  const message = `Belvo refused the request (${label})${said}`;
  return entry.code !== null && RETRYABLE_CODES.has(entry.code)
    ? UpstreamError.rejectedForNow(message, upstream)
    : UpstreamError.rejected(message, upstream);
}

function unexpected(status: number, error: unknown): UpstreamError {
  const why = error instanceof UnexpectedBody ? ` (${error.message})` : "";
  return UpstreamError.unreadable(
    `Belvo answered HTTP ${status} with a body the gateway does not understand${why}.`,
    statusOnly(status),
  );
}

/** A read: 2xx is the success value, anything else is thrown as an UpstreamError. */
export function interpretAnswer<T>(
  answer: Answer,
  toSuccess: (body: Json, status: number) => T,
  sent: Sent,
): T {
  if (answer.status >= 200 && answer.status < 300 && answer.body !== NOT_JSON) {
    try {
      return toSuccess(answer.body, answer.status);
    } catch (error) {
      throw unexpected(answer.status, error);
    }
  }
  throw errorFor(answer, sent);
}

/**
 * A resume or start of an MFA flow: 2xx is the success member, a 428 token request is the
 * challenge, anything else is thrown as an UpstreamError.
 */
export function interpretMfaAnswer<T>(
  answer: Answer,
  toSuccess: (body: Json, status: number) => T,
  receivedAt: Date,
  sent: Sent,
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
  return interpretAnswer(answer, toSuccess, sent);
}
