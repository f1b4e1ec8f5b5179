/** Who may come in: CORS, the client key and the request rate, before a body is read. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestScope } from "../context.js";
import { ErrorCode } from "../errors.js";
import { applyCors, corsMatcher, type CorsOrigins } from "../guards/cors.js";
import type { Guards } from "../guards/guards.js";
import { prefersHtml } from "./cross-site.js";
import { bearerKeys } from "./http-io.js";
import { refuse } from "./refusals.js";

/** A request let in; `keyless` when it came without a valid key (the landing page only). */
export interface Admitted {
  keyless: boolean;
  /** The client key's label; null without keys or without a valid one. */
  client: string | null;
}

export interface AdmissionSettings {
  corsOrigins: CorsOrigins;
  apiKeys: string[] | null;
  production: boolean;
  ratePerMinute: number | null;
}

/**
 * Outside production a browser may load the landing page without a key, and nothing else: a GET
 * that prefers HTML (Apollo's own test for its landing page, cross-site.ts) and carries no
 * parameter at all once decoded as Apollo decodes it (`%71uery` is `query`). Such a request reaches Apollo with an empty query string (see
 * apollo-bridge.ts), so it can only ever get the landing page. In production: never.
 */
function isKeylessLandingPage(req: IncomingMessage, search: string, production: boolean): boolean {
  return (
    !production &&
    req.method === "GET" &&
    new URLSearchParams(search).size === 0 &&
    prefersHtml(req.headers.accept)
  );
}

/** An admission decided at once (no rate cap, or one in this process), or on its way (Redis). */
export type Admission = (
  req: IncomingMessage,
  res: ServerResponse,
  search: string,
  scope: RequestScope,
) => Admitted | null | Promise<Admitted | null>;

/** Answers and returns null when the request goes no further. */
export function createAdmission(settings: AdmissionSettings, guards: Guards): Admission {
  const corsAllowed = corsMatcher(settings.corsOrigins);
  /** Null when the gateway takes no keys (anyone may call it). */
  const clientKey = settings.apiKeys ? bearerKeys(settings.apiKeys) : null;
  /** Answers the rate cap's decision: the request goes on, or is refused RATE_LIMITED. */
  const rated = (
    retryAfterMs: number | null,
    res: ServerResponse,
    admitted: Admitted,
    { ids, trace }: RequestScope,
  ): Admitted | null => {
    if (retryAfterMs === null) return admitted;
    const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const message = `More than ${settings.ratePerMinute} requests in a minute; retry later.`;
    trace?.refused(ErrorCode.RateLimited);
    refuse(res, { code: ErrorCode.RateLimited, message, extensions: { retryAfter } }, ids);
    return null;
  };
  return (req, res, search, scope) => {
    if (applyCors(req, res, corsAllowed)) return null;
    const client = clientKey?.(req.headers.authorization) ?? null;
    const keyless = clientKey !== null && client === null;
    if (keyless && !isKeylessLandingPage(req, search, settings.production)) {
      scope.logger.warn({ path: "/graphql" }, "refused: no valid client key");
      const headers = { "www-authenticate": 'Bearer realm="belvo-graphql-gateway"' };
      refuse(res, { code: ErrorCode.Unauthenticated, headers }, scope.ids);
      return null;
    }
    const admitted = { keyless, client };
    // Per client key, or per address when the caller presents none.
    const over = guards.overRate(client ?? `addr:${req.socket.remoteAddress ?? "?"}`, scope.trace);
    return over instanceof Promise
      ? over.then((retryAfterMs) => rated(retryAfterMs, res, admitted, scope))
      : rated(over, res, admitted, scope);
  };
}
