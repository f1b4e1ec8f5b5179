/**
 * The error table of the HTTP edge (fastify's `lib/errors.js` is the model): every refusal the
 * gateway writes itself, outside GraphQL execution, with its HTTP status and fixed headers. Each
 * is written by `refuse` in the GraphQL error shape and in the media type the request accepts
 * (GraphQL over HTTP: Apollo Client 4 reads the body of a 4xx only as
 * `application/graphql-response+json`), so no call site restates a status, a code or a media type.
 */
import type { ServerResponse } from "node:http";
import type { RequestIds } from "../context.js";
import { ErrorCode } from "../errors.js";
import { answerMediaType, errorBody } from "./http-io.js";

interface RefusalKind {
  status: number;
  headers?: Readonly<Record<string, string>>;
}

export const REFUSALS = {
  // CONTRACT.md: a rate refusal is answered like the MFA and login caps' (200, in `errors`), so a
  // frontend reads all three alike; Retry-After still says when.
  [ErrorCode.RateLimited]: { status: 200 },
  [ErrorCode.BadRequest]: { status: 400 },
  [ErrorCode.PersistedQueryNotAllowed]: { status: 400 },
  [ErrorCode.Unauthenticated]: { status: 401 },
  [ErrorCode.NotFound]: { status: 404 },
  [ErrorCode.MethodNotAllowed]: { status: 405 },
  [ErrorCode.NotAcceptable]: { status: 406 },
  [ErrorCode.IdempotencyInProgress]: { status: 409 },
  // The rest of an over-long body is not read: the connection cannot be reused.
  // Gone: the answer is not kept, and asking again never brings it back.
  [ErrorCode.IdempotencyAnswerNotKept]: { status: 410 },
  [ErrorCode.PayloadTooLarge]: { status: 413, headers: { connection: "close" } },
  // Nothing of the request was read: its body may still be on the connection.
  [ErrorCode.MisdirectedRequest]: { status: 421, headers: { connection: "close" } },
  [ErrorCode.IdempotencyKeyReused]: { status: 422 },
  // An SSE subscription past SUBSCRIPTIONS_PER_CLIENT (on a WebSocket: an error message).
  [ErrorCode.TooManySubscriptions]: { status: 429 },
  [ErrorCode.InternalServerError]: { status: 500 },
  // Nothing was sent upstream: another replica can take the request at once.
  [ErrorCode.ShuttingDown]: { status: 503, headers: { connection: "close", "retry-after": "1" } },
  [ErrorCode.GuardUnavailable]: { status: 503 },
  [ErrorCode.ExplorerNotBuilt]: { status: 503 },
  // A webhook not kept: Belvo sends it again.
  [ErrorCode.EventsUnavailable]: { status: 503, headers: { "retry-after": "1" } },
} as const satisfies Partial<Record<ErrorCode, RefusalKind>>;

export type RefusalCode = keyof typeof REFUSALS;

export interface Refusal {
  code: RefusalCode;
  message: string;
  /** More `extensions`; a `retryAfter` (seconds) is also sent as the Retry-After header. */
  extensions?: { retryAfter?: number; retryable?: boolean };
  /** Headers this occurrence needs (`www-authenticate`, `allow`). */
  headers?: Record<string, string>;
}

export interface RefusalAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The exact answer for a refusal (also stored as is for an idempotent replay), in the media type
 * the request's Accept header (`accept`) prefers.
 */
export function refusalAnswer(
  refusal: Refusal,
  ids: RequestIds,
  accept: string | undefined,
): RefusalAnswer {
  const kind: RefusalKind = REFUSALS[refusal.code];
  const retryAfter = refusal.extensions?.retryAfter;
  return {
    status: kind.status,
    headers: {
      "content-type": answerMediaType(accept),
      ...kind.headers,
      ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
      ...refusal.headers,
    },
    body: JSON.stringify(errorBody(refusal.message, refusal.code, ids, refusal.extensions)),
  };
}

/**
 * Writes a refusal: the one place a gateway refusal reaches the wire, in the media type the
 * request accepts.
 */
export function refuse(res: ServerResponse, refusal: Refusal, ids: RequestIds): void {
  const answer = refusalAnswer(refusal, ids, res.req.headers.accept);
  res.writeHead(answer.status, answer.headers).end(answer.body);
}
