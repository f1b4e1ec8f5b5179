/**
 * CONTRACT.md section 4 as a table: what Belvo answers a write, and the error the gateway makes of
 * it. The start (POST) and resume (PATCH) outcome tests run every row.
 */
import type { Reply } from "./fake-upstream.js";
import { LINK_BODY, REQUEST_ID, TEST_REQUEST_ID, errorList } from "./fixtures.js";

export interface Upstream {
  status: number | null;
  code: string | null;
  requestId: string | null;
}

/** One row: its name, Belvo's answer, and the gateway's message and extensions. */
export type Outcome = [
  row: string,
  reply: Reply,
  message: string,
  extensions: Record<string, unknown>,
];

export const upstream = (status: number | null, code: string | null = null): Upstream => ({
  status,
  code,
  requestId: code ? REQUEST_ID : null,
});

/** Belvo's error list with `status` and `code`, and its gateway `gatewayCode` quoting `text`. */
export function belvoError(
  status: number,
  code: string,
  text: string,
  [gatewayCode, message, retryable]: [string, string, boolean],
): Outcome {
  return [
    `${status} ${code}`,
    { status, body: errorList(code, text) },
    message,
    { code: gatewayCode, upstream: upstream(status, code), retryable },
  ];
}

export const refused = (status: number, code: string, text: string, retryable = false) =>
  belvoError(status, code, text, [
    "UPSTREAM_REJECTED",
    `Belvo refused the request (HTTP ${status} ${code}): ${text}`,
    retryable,
  ]);

/** A Belvo failure (5xx) with its error list: retryable. */
export const failed = (status: number, code: string, text: string) =>
  belvoError(status, code, text, [
    "UPSTREAM_ERROR",
    `Belvo failed (HTTP ${status} ${code}): ${text}`,
    true,
  ]);

/** No answer from Belvo, or one without its error list. */
export const lost = (
  row: string,
  reply: Reply,
  status: number | null,
  [code, message, retryable = true]: [string, string, boolean?],
): Outcome => [row, reply, message, { code, upstream: upstream(status), retryable }];

const AUTH_FAILED: [string, string, boolean] = [
  "UPSTREAM_AUTH_FAILED",
  "Belvo refused the gateway's own credentials (HTTP 401); the gateway operator must check BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
  false,
];
const TIMED_OUT: [string, string, boolean] = [
  "UPSTREAM_TIMEOUT",
  "Belvo timed out while talking to the institution (HTTP 408 request_timeout); part of the data may have been saved: ask for less (a shorter date range) or retry later: The request timed out",
  true,
];
const CUT = "Belvo could not be reached (the connection failed or was cut); retry later.";
const NOT_UNDERSTOOD = "Belvo answered HTTP 200 with a body the gateway does not understand.";

/**
 * The rows every write shares (registerLink quotes no login_error text: it may echo the bank
 * password, see start-flow.test.ts); the deadline row assumes a gateway `timeoutMs` of 400.
 */
export const WRITE_OUTCOMES: Outcome[] = [
  refused(428, "activation_required", "Activate the account first"),
  belvoError(401, "authentication_failed", "Credentials provided are not valid", AUTH_FAILED),
  refused(400, "too_many_sessions", "Too many sessions; retry in 120 s", true),
  refused(403, "permission_denied", "No permission"),
  belvoError(408, "request_timeout", "The request timed out", TIMED_OUT),
  refused(400, "institution_down", "The institution is down", true),
  failed(500, "unexpected_error", "Unexpected error"),
  refused(400, "institution_unavailable", "Try later", true),
  [
    "404 with Django's detail object",
    { status: 404, body: { detail: "Not found." } },
    "Belvo refused the request (HTTP 404): Not found.",
    { code: "UPSTREAM_REJECTED", upstream: upstream(404), retryable: false },
  ],
  lost("502 with an HTML page", { status: 502, text: "<html>Bad gateway</html>" }, 502, [
    "UPSTREAM_ERROR",
    "Belvo failed (HTTP 502)",
  ]),
  [
    "403 rate-limit HTML page",
    { status: 403, text: "<html><body>Too many requests</body></html>" },
    "Belvo is limiting the gateway's requests (HTTP 403 rate-limit page); retry in 30 s.",
    { code: "UPSTREAM_RATE_LIMITED", upstream: upstream(403), retryable: true, retryAfter: 30 },
  ],
  lost("200 with an HTML page", { status: 200, text: "<html>maintenance</html>" }, 200, [
    "UPSTREAM_ERROR",
    NOT_UNDERSTOOD,
    false,
  ]),
  lost("no answer within the deadline", { status: 200, body: LINK_BODY, delayMs: 1500 }, null, [
    "UPSTREAM_TIMEOUT",
    "Belvo did not answer within 400 ms; retry later.",
  ]),
  lost("a connection reset before the answer", { fault: "reset-before-headers" }, null, [
    "UPSTREAM_UNAVAILABLE",
    CUT,
  ]),
  lost("a connection reset in the middle of the body", { fault: "reset-mid-body" }, null, [
    "UPSTREAM_UNAVAILABLE",
    CUT,
  ]),
];

/** An item of a list Belvo answered with `status` that the gateway could not read, at `path`. */
export function unreadableItem(path: (string | number)[], why: string, status = 200) {
  return {
    message: `Belvo's answer had an item the gateway could not read (${why}); the other items are delivered.`,
    path,
    extensions: {
      code: "UPSTREAM_ERROR",
      upstream: upstream(status, null),
      retryable: false,
      requestId: TEST_REQUEST_ID,
    },
  };
}

/** A refusal with no data: one error, its `code` and the test's request id. */
export function refusal(code: string, message: string) {
  return { errors: [{ message, extensions: { code, requestId: TEST_REQUEST_ID } }] };
}

/** The answer to `field` failing with `message` and `extensions` (and the test's request id). */
export function errorAnswer(field: string, message: string, extensions: Record<string, unknown>) {
  return {
    data: null,
    errors: [{ message, path: [field], extensions: { ...extensions, requestId: TEST_REQUEST_ID } }],
  };
}
