/**
 * Writes the refusals the gateway makes itself, outside GraphQL execution: each code's HTTP status
 * and fixed headers come from the one errors table (src/errors/codes.ts, fastify's
 * `lib/errors.js` is the model). Each is written by `refuse` in the GraphQL error shape and in the
 * media type the request accepts (GraphQL over HTTP: Apollo Client 4 reads the body of a 4xx only
 * as `application/graphql-response+json`), so no call site restates a status, a code or a media type.
 */
import type { ServerResponse } from "node:http";
import type { RequestIds } from "../context.js";
import { ERRORS, type ErrorKind, type RefusalCode } from "../errors.js";
import { answerMediaType, errorBody } from "./http-io.js";

export type { RefusalCode };

export interface Refusal {
  code: RefusalCode;
  /** The table's message when left out. */
  message?: string;
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
  const kind: ErrorKind = ERRORS[refusal.code];
  const retryAfter = refusal.extensions?.retryAfter;
  return {
    status: kind.status,
    headers: {
      "content-type": answerMediaType(accept),
      ...kind.headers,
      ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
      ...refusal.headers,
    },
    body: JSON.stringify(
      errorBody(refusal.message ?? kind.message, refusal.code, ids, refusal.extensions),
    ),
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
