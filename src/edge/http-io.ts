/** Small pieces of the gateway's own HTTP handling (Apollo does the GraphQL part). */
import { hash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestIds } from "../context.js";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res
    .writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
    .end(JSON.stringify(body));
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
 * Whether a Content-Type is JSON: `application/json` or `application/…+json`, in any case
 * (media types are case-insensitive; Apollo lower-cases them too).
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const essence = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  return essence === "application/json" || /^application\/[\w.-]+\+json$/.test(essence);
}

/**
 * The request ids added to each error of an answer Apollo gave on its own, before any plugin ran
 * (a GET without a query, a PUT, a CSRF refusal); the body as it was when it is not such a list.
 */
export function withRequestIds(body: string, ids: RequestIds): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return body;
  for (const error of errors as { extensions?: Record<string, unknown> }[]) {
    if (typeof error !== "object" || error === null) continue;
    if (error.extensions?.requestId === undefined)
      error.extensions = { ...error.extensions, ...ids };
  }
  return JSON.stringify(parsed);
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
