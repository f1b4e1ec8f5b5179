/**
 * The one table of the gateway's error codes (fastify's `lib/errors.js` and Apollo Server's
 * `ApolloServerErrorCode` are the models): each code's HTTP status, whether a client may send the
 * same request again, and its message. Every error the gateway answers takes its code from here;
 * the edge's refusals take their status and fixed headers from here (src/edge/refusals.ts), the
 * typed client's retryable codes are generated from here (scripts/error-codes.mjs), and
 * docs/errors.md is checked against it (test/errors-table.test.ts). This module imports nothing.
 */

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
  QueryTooCostly: "QUERY_TOO_COSTLY",
  GuardUnavailable: "GUARD_UNAVAILABLE",
  InternalServerError: "INTERNAL_SERVER_ERROR",
  IdempotencyKeyReused: "IDEMPOTENCY_KEY_REUSED",
  IdempotencyInProgress: "IDEMPOTENCY_IN_PROGRESS",
  IdempotencyAnswerNotKept: "IDEMPOTENCY_ANSWER_NOT_KEPT",
  BadRequest: "BAD_REQUEST",
  NotFound: "NOT_FOUND",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  NotAcceptable: "NOT_ACCEPTABLE",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  MisdirectedRequest: "MISDIRECTED_REQUEST",
  ShuttingDown: "SHUTTING_DOWN",
  ExplorerNotBuilt: "EXPLORER_NOT_BUILT",
  EventsUnavailable: "EVENTS_UNAVAILABLE",
  SubscriberTooSlow: "SUBSCRIBER_TOO_SLOW",
  TooManySubscriptions: "TOO_MANY_SUBSCRIPTIONS",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Whether a client may send the same request again: `true` at once (the typed client's retryable
 * codes are these), `false` never as it is, `"after retryAfter"` once `extensions.retryAfter`
 * seconds have passed, `"per error"` as each error's `extensions.retryable` says.
 */
export type Retryable = boolean | "after retryAfter" | "per error";

export interface ErrorKind {
  /**
   * The HTTP status when the gateway answers this error by itself (a refusal at the edge, or
   * before execution); 200 for an error answered inside a GraphQL result (in `errors`).
   */
  status: number;
  retryable: Retryable;
  /** The message when the occurrence has nothing more to say; otherwise what the code means. */
  message: string;
  /** Headers every refusal with this code carries. */
  headers?: Readonly<Record<string, string>>;
  /** A refusal written by the HTTP edge itself (src/edge/refusals.ts), outside execution. */
  edge?: true;
}

export const ERRORS = {
  [ErrorCode.BadUserInput]: {
    status: 200,
    retryable: false,
    message: "The input was refused: `extensions.field` names the field.",
  },
  [ErrorCode.MfaSessionExpired]: {
    status: 200,
    retryable: false,
    message:
      "The MFA session has expired or was already used: start again by registering the link or retrieving the data anew.",
  },
  [ErrorCode.UpstreamRejected]: {
    status: 200,
    retryable: "per error",
    message: "Belvo refused the request.",
  },
  [ErrorCode.UpstreamAuthFailed]: {
    status: 200,
    retryable: false,
    message:
      "Belvo refused the gateway's own credentials (HTTP 401); the gateway operator must check BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
  },
  [ErrorCode.UpstreamTimeout]: {
    status: 200,
    retryable: true,
    message: "Belvo did not answer in time; retry later.",
  },
  [ErrorCode.UpstreamError]: {
    status: 200,
    retryable: "per error",
    message: "Belvo failed, or answered with a body the gateway does not understand.",
  },
  [ErrorCode.UpstreamUnavailable]: {
    status: 200,
    retryable: true,
    message: "Belvo could not be reached (the connection failed or was cut); retry later.",
  },
  [ErrorCode.UpstreamRateLimited]: {
    status: 200,
    retryable: "after retryAfter",
    message: "Belvo is limiting the gateway's requests (HTTP 403 rate-limit page).",
  },
  [ErrorCode.Unauthenticated]: {
    status: 401,
    retryable: false,
    message: "Send a valid gateway API key as `Authorization: Bearer <key>`.",
    edge: true,
  },
  // CONTRACT.md: a rate refusal is answered like the MFA and login caps' (200, in `errors`), so a
  // frontend reads all three alike; Retry-After still says when.
  [ErrorCode.RateLimited]: {
    status: 200,
    retryable: "after retryAfter",
    message: "Too many requests; retry after `extensions.retryAfter` seconds.",
    edge: true,
  },
  [ErrorCode.PersistedQueryNotAllowed]: {
    status: 400,
    retryable: false,
    message: "This gateway runs only its trusted documents (the typed client's operations).",
    edge: true,
  },
  [ErrorCode.QueryTooCostly]: {
    status: 400,
    retryable: false,
    message: "The operation could make more Belvo requests than MAX_UPSTREAM_COST allows.",
  },
  [ErrorCode.GuardUnavailable]: {
    status: 503,
    retryable: true,
    message:
      "The gateway cannot check its limits right now (its store does not answer); nothing was sent upstream. Retry later.",
    edge: true,
  },
  [ErrorCode.InternalServerError]: {
    status: 500,
    retryable: false,
    message: "Internal server error",
    edge: true,
  },
  [ErrorCode.IdempotencyKeyReused]: {
    status: 422,
    retryable: false,
    message: "This Idempotency-Key was used with another request.",
    edge: true,
  },
  [ErrorCode.IdempotencyInProgress]: {
    status: 409,
    retryable: true,
    message: "A request with this Idempotency-Key is still running; retry with the same key.",
    edge: true,
  },
  // Gone: the answer is not kept, and asking again never brings it back.
  [ErrorCode.IdempotencyAnswerNotKept]: {
    status: 410,
    retryable: false,
    message: "The request with this Idempotency-Key ran, but its answer was not kept.",
    edge: true,
  },
  [ErrorCode.BadRequest]: {
    status: 400,
    retryable: false,
    message: "The request body is not valid JSON.",
    edge: true,
  },
  [ErrorCode.NotFound]: {
    status: 404,
    retryable: false,
    message: "Nothing here; GraphQL is served at /graphql.",
    edge: true,
  },
  [ErrorCode.MethodNotAllowed]: {
    status: 405,
    retryable: false,
    message: "Use a method the `Allow` header names.",
    edge: true,
  },
  [ErrorCode.NotAcceptable]: {
    status: 406,
    retryable: false,
    message: "Accept application/graphql-response+json or application/json.",
    edge: true,
  },
  // The rest of an over-long body is not read: the connection cannot be reused.
  [ErrorCode.PayloadTooLarge]: {
    status: 413,
    retryable: false,
    message: "The request body is over the limit.",
    headers: { connection: "close" },
    edge: true,
  },
  // Nothing of the request was read: its body may still be on the connection.
  [ErrorCode.MisdirectedRequest]: {
    status: 421,
    retryable: false,
    message: "This Host is not this gateway's.",
    headers: { connection: "close" },
    edge: true,
  },
  // Nothing was sent upstream: another replica can take the request at once.
  [ErrorCode.ShuttingDown]: {
    status: 503,
    retryable: true,
    message: "The gateway is shutting down; retry.",
    headers: { connection: "close", "retry-after": "1" },
    edge: true,
  },
  [ErrorCode.ExplorerNotBuilt]: {
    status: 503,
    retryable: false,
    message: "The explorer is not bundled: run `npm run build`, then reload.",
    edge: true,
  },
  // A webhook not kept: Belvo sends it again. In a subscription: its last message.
  [ErrorCode.EventsUnavailable]: {
    status: 503,
    retryable: true,
    message: "The event store does not answer right now; nothing was kept. Send it again.",
    headers: { "retry-after": "1" },
    edge: true,
  },
  // A subscription's last message: subscribe again with `after`, nothing is lost.
  [ErrorCode.SubscriberTooSlow]: {
    status: 200,
    retryable: true,
    message:
      "This subscriber fell too far behind and its subscription ends; subscribe again with `after`.",
  },
  // An SSE subscription past SUBSCRIPTIONS_PER_CLIENT (on a WebSocket: an error message).
  [ErrorCode.TooManySubscriptions]: {
    status: 429,
    retryable: false,
    message: "Too many subscriptions; end one first.",
    edge: true,
  },
} as const satisfies Record<ErrorCode, ErrorKind>;

/** The codes the HTTP edge writes itself (src/edge/refusals.ts). */
export type RefusalCode = {
  [C in ErrorCode]: (typeof ERRORS)[C] extends { edge: true } ? C : never;
}[ErrorCode];

/** The codes a client may send again at once: the typed client's list is generated from these. */
export function retryableCodes(): ErrorCode[] {
  return (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code].retryable === true);
}
