import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * `"*"`: any origin; a list: those origins, where an entry ending in `:*` (`http://localhost:*`)
 * takes that scheme and host on any port; empty: no cross-origin use. config.ts decides the default.
 */
export type CorsOrigins = "*" | readonly string[];

/** Compiled once: whether a request's `Origin` may call. */
export function corsMatcher(origins: CorsOrigins): (origin: string) => boolean {
  if (origins === "*") return () => true;
  const exact = new Set(origins.filter((entry) => !entry.endsWith(":*")));
  const anyPort = origins
    .filter((entry) => entry.endsWith(":*"))
    .map((entry) => entry.slice(0, -2));
  return (origin) =>
    exact.has(origin) ||
    anyPort.some(
      (base) =>
        origin === base ||
        (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1))),
    );
}

const ALLOWED_HEADERS =
  "authorization, content-type, x-request-id, idempotency-key, apollo-require-preflight, x-apollo-operation-name";

/**
 * Sets CORS headers for an allowed origin. Returns true when the request was a preflight and has
 * been answered.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  mayCall: (origin: string) => boolean,
): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && mayCall(origin);
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
