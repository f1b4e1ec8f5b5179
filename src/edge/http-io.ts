/** Small pieces of the gateway's own HTTP handling (Apollo does the GraphQL part). */
import { hash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Negotiator from "negotiator";
import type { RequestIds } from "../context.js";

/** The two media types of a GraphQL answer (GraphQL over HTTP), as Apollo writes them. */
export const MEDIA_TYPES = {
  json: "application/json; charset=utf-8",
  graphQLResponse: "application/graphql-response+json; charset=utf-8",
} as const;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": MEDIA_TYPES.json, ...headers }).end(JSON.stringify(body));
}

/** A request URL's path: what comes before its query string (`/` for none). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const queryAt = url.indexOf("?");
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/** The GraphQL error shape, for answers given before GraphQL runs. */
export function errorBody(
  message: string,
  code: string,
  ids: RequestIds,
  extensions: Record<string, unknown> = {},
) {
  return { errors: [{ message, extensions: { code, ...extensions, ...ids } }] };
}

/**
 * The media type of an answer to a request with this Accept header, chosen as Apollo chooses it
 * for its own answers (negotiator, `application/json` first on a tie): no header, a wildcard or
 * `application/json` get `application/json`; a client that prefers
 * `application/graphql-response+json` (Apollo Client 4, urql, graphql-request) gets it. A request
 * that accepts neither still gets `application/json`: a refusal is not turned into a 406.
 */
export function answerMediaType(accept: string | undefined): string {
  return negotiated(accept) ?? MEDIA_TYPES.json;
}

/** Whether a request with this Accept header can take a GraphQL answer at all. */
export function acceptsGraphQLAnswer(accept: string | undefined): boolean {
  return negotiated(accept) !== undefined;
}

function negotiated(accept: string | undefined): string | undefined {
  if (!accept) return MEDIA_TYPES.json;
  return new Negotiator({ headers: { accept } }).mediaType([
    MEDIA_TYPES.json,
    MEDIA_TYPES.graphQLResponse,
  ]);
}

/** A Content-Type's media type without its parameters, lower-cased (`""` when there is none). */
export function mediaTypeEssence(contentType: string | undefined): string {
  return (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

/**
 * Whether a Content-Type is JSON: `application/json` or `application/…+json`, in any case
 * (media types are case-insensitive; Apollo lower-cases them too).
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const essence = mediaTypeEssence(contentType);
  return essence === "application/json" || /^application\/[\w.-]+\+json$/.test(essence);
}

/**
 * The codes of GraphQL's request errors, as Apollo names them: the document did not parse or
 * validate, the operation could not be chosen, the variables could not be coerced.
 */
const REQUEST_ERROR_CODES: ReadonlySet<unknown> = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_USER_INPUT",
]);

/**
 * The request ids added to each error of an answer in error (Apollo's own HTTP errors too: a GET
 * without a query, a POST without one); the body as it was when it is not such a list.
 * `requestErrorsOnly`: the answer has no `data` and only GraphQL request errors.
 */
export function withRequestIds(
  body: string,
  ids: RequestIds,
): { body: string; requestErrorsOnly: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { body, requestErrorsOnly: false };
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return { body, requestErrorsOnly: false };
  let requestErrorsOnly = errors.length > 0 && !Object.hasOwn(parsed as object, "data");
  for (const error of errors as { extensions?: Record<string, unknown> }[]) {
    if (typeof error !== "object" || error === null) {
      requestErrorsOnly = false;
      continue;
    }
    if (!REQUEST_ERROR_CODES.has(error.extensions?.code)) requestErrorsOnly = false;
    if (error.extensions?.requestId === undefined)
      error.extensions = { ...error.extensions, ...ids };
  }
  return { body: JSON.stringify(parsed), requestErrorsOnly };
}

/** One-shot: cheaper than createHash() on a path every request takes. */
function sha256(value: string): Buffer {
  return hash("sha256", value, "buffer");
}

/** The bearer token of an Authorization header, if it has one. */
function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer (\S+)$/i.exec(header ?? "")?.[1];
}

export class BodyTooLarge extends Error {}

/** The connection closed before the whole request arrived (client gone, or cut by a timeout). */
export class ClientGone extends Error {}

/** Collects a request body up to `limit` bytes (events, not an async iterator: cheaper per request). */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    let arrived = false;
    req.once("end", () => {
      arrived = true;
      resolve(
        chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"),
      );
    });
    // Every request closes in the end: an error (and its stack) is made only when it is news.
    const gone = () => {
      if (!arrived) reject(new ClientGone());
    };
    req.once("error", gone);
    req.once("close", gone);
  });
}

/**
 * A matcher for `Authorization: Bearer <key>` against `keys`: the matched key's label (a prefix
 * of its digest, never the key), or null. Compares digests in constant time, and every key each
 * time, so timing tells nothing of a key; one digest per request.
 */
export function bearerKeys(keys: readonly string[]): (header: string | undefined) => string | null {
  const known = keys.map((key) => {
    const digest = sha256(key);
    return { digest, label: `key:${digest.toString("hex").slice(0, 32)}` };
  });
  return (header) => {
    const presented = bearerToken(header);
    if (!presented) return null;
    const candidate = sha256(presented);
    let label: string | null = null;
    for (const key of known) if (timingSafeEqual(key.digest, candidate)) label = key.label;
    return label;
  };
}
