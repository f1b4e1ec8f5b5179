import { GraphQLError, type ASTNode, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";

/** Every `extensions.code` the gateway itself produces. */
export const ErrorCode = {
  BadUserInput: "BAD_USER_INPUT",
  MfaSessionExpired: "MFA_SESSION_EXPIRED",
  UpstreamRejected: "UPSTREAM_REJECTED",
  UpstreamAuthFailed: "UPSTREAM_AUTH_FAILED",
  UpstreamTimeout: "UPSTREAM_TIMEOUT",
  UpstreamError: "UPSTREAM_ERROR",
  UpstreamUnavailable: "UPSTREAM_UNAVAILABLE",
  UpstreamRateLimited: "UPSTREAM_RATE_LIMITED",
  Unauthenticated: "UNAUTHENTICATED",
  RateLimited: "RATE_LIMITED",
  PersistedQueryNotAllowed: "PERSISTED_QUERY_NOT_ALLOWED",
  /** The document could make more Belvo requests than MAX_UPSTREAM_COST (HTTP 400, nothing sent). */
  QueryTooCostly: "QUERY_TOO_COSTLY",
  /** A guard's store (Redis) did not answer: refused, retryable, HTTP 503, nothing sent upstream. */
  GuardUnavailable: "GUARD_UNAVAILABLE",
  InternalServerError: "INTERNAL_SERVER_ERROR",
  /** The Idempotency-Key was used with another request (HTTP 422). */
  IdempotencyKeyReused: "IDEMPOTENCY_KEY_REUSED",
  /** The request holding the Idempotency-Key still runs past IDEMPOTENCY_WAIT_MS (HTTP 409). */
  IdempotencyInProgress: "IDEMPOTENCY_IN_PROGRESS",
  /**
   * The request holding the Idempotency-Key ran, but its answer was too large to keep, or was set
   * aside for others' (HTTP 410): it is never run again.
   */
  IdempotencyAnswerNotKept: "IDEMPOTENCY_ANSWER_NOT_KEPT",
  /** Refused at the HTTP edge (src/edge/refusals.ts has each one's status and headers). */
  BadRequest: "BAD_REQUEST",
  NotFound: "NOT_FOUND",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  /** The Accept header allows neither media type of a GraphQL answer (HTTP 406, nothing run). */
  NotAcceptable: "NOT_ACCEPTABLE",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  /** A `Host` that is not this gateway's (DNS rebinding): HTTP 421, before anything else. */
  MisdirectedRequest: "MISDIRECTED_REQUEST",
  ShuttingDown: "SHUTTING_DOWN",
  ExplorerNotBuilt: "EXPLORER_NOT_BUILT",
  /** The event store (Redis) did not answer: a webhook is refused 503 (Belvo sends it again). */
  EventsUnavailable: "EVENTS_UNAVAILABLE",
  /** A subscriber fell more than SUBSCRIBER_BUFFER_EVENTS behind: its subscription ends. */
  SubscriberTooSlow: "SUBSCRIBER_TOO_SLOW",
  /** Past SUBSCRIPTIONS_PER_CONNECTION or SUBSCRIPTIONS_PER_CLIENT: the subscription is refused. */
  TooManySubscriptions: "TOO_MANY_SUBSCRIPTIONS",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type UpstreamErrorCode =
  | typeof ErrorCode.BadUserInput
  | typeof ErrorCode.MfaSessionExpired
  | typeof ErrorCode.UpstreamRejected
  | typeof ErrorCode.UpstreamAuthFailed
  | typeof ErrorCode.UpstreamTimeout
  | typeof ErrorCode.UpstreamError
  | typeof ErrorCode.UpstreamUnavailable
  | typeof ErrorCode.UpstreamRateLimited;

/** What Belvo said, as far as it said it: status null when no answer arrived. */
export interface UpstreamDetails {
  status: number | null;
  code: string | null;
  requestId: string | null;
}

/** Base of every error the gateway shows to clients as it is. */
export class GatewayError extends GraphQLError {
  constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

/** The client's input was refused before any upstream call. `field` names the input path. */
export class InputError extends GatewayError {
  constructor(field: string, problem: string) {
    super(`Invalid ${field}: ${problem}`, ErrorCode.BadUserInput, { field });
  }
}

/** Belvo answered with something other than success or an MFA challenge, or did not answer. */
export class UpstreamError extends GatewayError {
  constructor(
    message: string,
    code: UpstreamErrorCode,
    upstream: UpstreamDetails,
    retryable: boolean,
    /** More extensions: `field` (an input path), `retryAfter` (seconds). */
    extra: { field?: string; retryAfter?: number } = {},
  ) {
    super(message, code, { upstream, retryable, ...extra });
  }
}

/**
 * graphql-js quotes the offending value when it rejects a variable
 * (`Variable "$input" got invalid value "123456" at "input.token"; String cannot represent ...`);
 * that value may be an MFA token or a password, so such a message keeps only the variable, the
 * path and the reason, never the value.
 */
const INVALID_VARIABLE =
  /^Variable "(\$\w+)" got invalid value [\s\S]*?(?: at "(\$?[\w.[\]]+)")?; ([\s\S]*)$/;
const VALUE_FREE_REASON =
  /^(?:Field "\w+" (?:of required type "[\w[\]!]+" was not provided|is not defined by type "\w+")(?:\. Did you mean [^?]*\?)?\.|Expected type "\w+" to be an object\.|(?:DateTime|Date|Decimal) must be [\w\s(),"-.]*)$/;

function scrubVariableMessage(message: string): string {
  const match = INVALID_VARIABLE.exec(message);
  if (!match) return message;
  const [, variable, path, reason = ""] = match;
  const where = path ? ` at "${path}"` : "";
  const cannotRepresent = /^(\w+(?: "\w+")? cannot represent[^:]*)/.exec(reason)?.[1];
  const why = VALUE_FREE_REASON.test(reason)
    ? reason
    : cannotRepresent
      ? `${cannotRepresent}.`
      : "it does not match its type.";
  return `Variable "${variable}" got an invalid value${where}; ${why}`;
}

/**
 * graphql-js quotes a value written inline in the document when its type is wrong
 * (`String cannot represent a non string value: 123456`, `Expected value of type "X", found
 * 123456.`, an unknown enum value); a token or a password written inline would come back, so
 * such a message keeps the type and the reason (and an enum's suggestions), never the value.
 */
const ENUM_SUGGESTION = String.raw`((?: Did you mean the enum value (?:"\w+"(?:,? or |, )?)+\?)?)`;
const CANNOT_REPRESENT = new RegExp(
  String.raw`^(\w+(?: "\w+")? cannot represent [^:]*): [\s\S]*?${ENUM_SUGGESTION}$`,
);
const NOT_IN_ENUM = new RegExp(
  String.raw`^Value [\s\S]* does not exist in ("\w+" enum)\.${ENUM_SUGGESTION}$`,
);
const EXPECTED_TYPE = /^(Expected value of type "[\w[\]!]+"), found [\s\S]*$/;

/**
 * Validation errors on a value written inline, described by literal-errors.ts (the field's path
 * and a message without the value), by the node graphql-js reported them on, then its message
 * (several on one node: the required fields an object left out).
 */
export const describedValidationErrors = new WeakMap<
  ASTNode,
  Map<string, { field?: string; message: string }>
>();

function describedValidationError(error: unknown) {
  if (!(error instanceof GraphQLError)) return undefined;
  const node = error.nodes?.[0];
  const byMessage = node && describedValidationErrors.get(node);
  // A plugin may have rewritten the message since (graphql-armor masks suggestions).
  return (
    byMessage?.get(error.message) ??
    (byMessage?.size === 1 ? [...byMessage.values()][0] : undefined)
  );
}

export function scrubLiteralMessage(message: string): string {
  const cannot = CANNOT_REPRESENT.exec(message);
  if (cannot) return `${cannot[1]}.${cannot[2]}`;
  const notInEnum = NOT_IN_ENUM.exec(message);
  if (notInEnum) return `The value written does not exist in ${notInEnum[1]}.${notInEnum[2]}`;
  const expected = EXPECTED_TYPE.exec(message);
  if (expected) return `${expected[1]}, found a value of another type.`;
  return message;
}

/**
 * True for an error that is not one of ours nor a GraphQL request error: a bug or a failure
 * inside the gateway. Such an error is masked in the answer and logged in full.
 */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof GatewayError) return false;
  if (!(original instanceof GraphQLError)) return true;
  const code = original.extensions?.code;
  return code === undefined
    ? !isApolloRequestError(original)
    : code === ErrorCode.InternalServerError;
}

/**
 * Apollo refuses some requests with a GraphQLError that has an HTTP status of 4xx but no code
 * (a persisted-query id that is not its document's sha256): the request's fault, not a bug.
 */
function isApolloRequestError(error: GraphQLError): boolean {
  const status = httpStatus(error);
  return typeof status === "number" && status >= 400 && status < 500;
}

/** The HTTP status Apollo gives an error of its own, if any. */
function httpStatus(error: GraphQLError): unknown {
  return (error.extensions?.http as { status?: unknown } | undefined)?.status;
}

/**
 * Apollo's `formatError`: our own errors and GraphQL's request errors pass (variable values
 * scrubbed); anything unexpected is masked (the observability plugin logs it, with the request
 * id). This function must not throw.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GatewayError) {
    // `http` (an error's HTTP status and headers) is Apollo's to read, not the client's.
    const { http: _http, ...extensions } = original.extensions;
    return { message: original.message, path: formatted.path, extensions };
  }
  if (original instanceof GraphQLError && httpStatus(original) === 405) {
    // Apollo's answer to a mutation sent as a GET (HTTP 405, `Allow: POST`), in the gateway's words.
    return {
      message:
        "A GET runs queries only: send a mutation as a POST with `Content-Type: application/json`.",
      extensions: { code: ErrorCode.MethodNotAllowed },
    };
  }
  if (
    original instanceof GraphQLError &&
    original.extensions?.code === undefined &&
    isApolloRequestError(original)
  ) {
    // Apollo filled in INTERNAL_SERVER_ERROR for the missing code.
    return { message: original.message, extensions: { code: ErrorCode.BadRequest } };
  }
  if (!isUnexpected(error) && formatted.extensions?.code !== ErrorCode.InternalServerError) {
    const { stacktrace: _ignored, ...extensions } = formatted.extensions ?? {};
    const described = describedValidationError(original);
    if (described) {
      const { field, message } = described;
      return { ...formatted, message, extensions: field ? { ...extensions, field } : extensions };
    }
    const message =
      extensions.code === "GRAPHQL_VALIDATION_FAILED"
        ? scrubLiteralMessage(formatted.message)
        : scrubVariableMessage(formatted.message);
    return { ...formatted, message, extensions };
  }
  return {
    message: "Internal server error",
    path: formatted.path,
    extensions: { code: ErrorCode.InternalServerError },
  };
}
