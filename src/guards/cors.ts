import type { IncomingMessage, ServerResponse } from "node:http";

/** `"*"`: any origin (development); a list: exactly those origins; empty: no cross-origin use. */
export type CorsOrigins = "*" | readonly string[];

const ALLOWED_HEADERS =
  "authorization, content-type, x-request-id, idempotency-key, apollo-require-preflight, x-apollo-operation-name";

/**
 * Sets CORS headers for an allowed origin. Returns true when the request was a preflight and has
 * been answered.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  origins: CorsOrigins,
): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && (origins === "*" || origins.includes(origin));
  if (allowed) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
    res.setHeader(
      "access-control-expose-headers",
      "x-request-id, retry-after, idempotent-replayed",
    );
  }
  if (req.method !== "OPTIONS") return false;
  if (allowed) {
    res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
    res.setHeader("access-control-allow-headers", ALLOWED_HEADERS);
    res.setHeader("access-control-max-age", "600");
  }
  res.writeHead(204).end();
  return true;
}
