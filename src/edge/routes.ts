/**
 * Routing: /health, /ready, /metrics, /graphql, the explorer, 404; and the answer to a request
 * that failed outside GraphQL execution.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { RequestLogger, requestIds, type RequestIds, type RequestScope } from "../context.js";
import { ErrorCode } from "../errors.js";
import { EXPLORER_PATH, type explorerHandler } from "../explorer.js";
import { GUARD_RETRY_AFTER_S, GuardUnavailable } from "../guards/caps.js";
import type { Guards } from "../guards/guards.js";
import type { GatewayMetrics } from "../metrics.js";
import type { Tracing } from "../tracing/tracing.js";
import { refuseDraining, type GraphQLHandler } from "./apollo-bridge.js";
import { BodyTooLarge, ClientGone, bearerKeys, pathOf, sendJson } from "./http-io.js";
import { hostCheck, type HostSettings } from "./hosts.js";
import type { Lifecycle } from "./lifecycle.js";
import { refuse } from "./refusals.js";

export interface RouteParts {
  graphql: GraphQLHandler;
  /** Null in production (the path is then a 404). */
  explorer: ReturnType<typeof explorerHandler> | null;
  lifecycle: Lifecycle;
  guards: Guards;
  metrics: GatewayMetrics;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** `POST /webhooks/belvo` (events/webhook.ts); null without BELVO_WEBHOOK_SECRET (a 404). */
  webhook: Route | null;
  /** GraphQL over SSE at /graphql/stream (events/sse.ts); null when not served. */
  stream: Route | null;
}

/** Belvo's webhooks (src/events/webhook.ts serves it). */
export const WEBHOOK_PATH = "/webhooks/belvo";
/** GraphQL subscriptions over Server-Sent Events (src/events/sse.ts serves it). */
export const STREAM_PATH = "/graphql/stream";

/** The paths that only answer reads (the explorer's too); another method there is METHOD_NOT_ALLOWED (405). */
const READ_ONLY_PATHS: ReadonlySet<string> = new Set(["/health", "/ready", "/metrics"]);

const nothingAt = (path: string) => `Nothing at ${path}; GraphQL is served at /graphql.`;

/** Answers at once (void), or by the end of a promise. */
export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  scope: RequestScope,
) => Promise<void> | void;

async function readiness(res: ServerResponse, guards: Guards): Promise<void> {
  if (await guards.ready()) return sendJson(res, 200, { status: "ready" });
  sendJson(res, 503, { status: "guard store unreachable" });
}

async function scrape(res: ServerResponse, metrics: GatewayMetrics): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
}

/** Not an async function: /graphql's promise is returned as it is, with no wrapper around it. */
export function createRouter(parts: RouteParts): Route {
  const { explorer, lifecycle, guards, metrics } = parts;
  const metricsReader = parts.metricsToken ? bearerKeys([parts.metricsToken]) : null;
  return (req, res, scope) => {
    const { ids } = scope;
    const path = pathOf(req.url);
    // The offline explorer, outside production only (in production: the 404 below).
    const toExplorer =
      explorer !== null && (path === EXPLORER_PATH || path.startsWith(`${EXPLORER_PATH}/`));
    if (
      (toExplorer || READ_ONLY_PATHS.has(path)) &&
      req.method !== "GET" &&
      req.method !== "HEAD"
    ) {
      const message = `${path} takes GET (or HEAD), not ${req.method}.`;
      const headers = { allow: "GET, HEAD" };
      return refuse(res, { code: ErrorCode.MethodNotAllowed, message, headers }, ids);
    }
    if (toExplorer) return explorer(req, res, path, ids);
    switch (path) {
      case "/health":
        return sendJson(res, 200, { status: "ok" });
      case "/ready":
        if (lifecycle.draining) return sendJson(res, 503, { status: "draining" });
        return readiness(res, guards);
      case "/metrics":
        if (metricsReader && metricsReader(req.headers.authorization) === null) {
          const message = "Send METRICS_TOKEN as `Authorization: Bearer <token>`.";
          return refuse(res, { code: ErrorCode.Unauthenticated, message }, ids);
        }
        return scrape(res, metrics);
      case "/graphql":
        if (lifecycle.draining) return refuseDraining(res, ids);
        return parts.graphql(req, res, (req.url ?? "").slice(path.length), scope);
      case WEBHOOK_PATH:
      case STREAM_PATH: {
        const handler = path === WEBHOOK_PATH ? parts.webhook : parts.stream;
        if (!handler)
          return refuse(res, { code: ErrorCode.NotFound, message: nothingAt(path) }, ids);
        if (lifecycle.draining) return refuseDraining(res, ids);
        return handler(req, res, scope);
      }
      default: {
        return refuse(res, { code: ErrorCode.NotFound, message: nothingAt(path) }, ids);
      }
    }
  };
}

/** A request that failed outside GraphQL execution: answered by what failed. */
function answerFailure(
  error: unknown,
  res: ServerResponse,
  ids: RequestIds,
  requestLogger: RequestLogger,
  maxBodyBytes: number,
): void {
  if (error instanceof GuardUnavailable && !res.headersSent) {
    requestLogger.warn({ path: "/graphql" }, "refused: the rate guard's store does not answer");
    const extensions = { retryable: true, retryAfter: GUARD_RETRY_AFTER_S };
    return refuse(
      res,
      { code: ErrorCode.GuardUnavailable, message: error.message, extensions },
      ids,
    );
  }
  if (error instanceof BodyTooLarge) {
    const message = `The request body exceeds ${maxBodyBytes} bytes.`;
    return refuse(res, { code: ErrorCode.PayloadTooLarge, message }, ids);
  }
  if (error instanceof ClientGone) {
    requestLogger.info({ outcome: "CLIENT_GONE" }, "client left before its request arrived");
    return;
  }
  requestLogger.error({ err: error }, "request failed outside GraphQL execution");
  if (res.headersSent) return void res.destroy();
  refuse(res, { code: ErrorCode.InternalServerError }, ids);
}

/** What a probe or a scraper reaches by any Host: nothing a rebound page could use. */
function reachableByAnyHost(url: string | undefined, metricsToken: string | null): boolean {
  const path = pathOf(url);
  return path === "/health" || path === "/ready" || (path === "/metrics" && metricsToken !== null);
}

/**
 * 421 for a `Host` that is not this gateway's (edge/hosts.ts), before anything else is done with
 * the request: no body read, no guard, no upstream call. Probes (/health, /ready, and /metrics
 * behind its token) are exempt: a kubelet or a load balancer names the pod's address.
 */
function misdirected(
  req: IncomingMessage,
  res: ServerResponse,
  settings: { logger: Logger; trustProxyRequestId: boolean; production: boolean },
): void {
  const ids = requestIds(req.headers["x-request-id"], settings.trustProxyRequestId);
  new RequestLogger(settings.logger, ids).warn(
    { path: pathOf(req.url), host: req.headers.host ?? null },
    "refused: a Host that is not this gateway's",
  );
  res.setHeader("x-request-id", ids.requestId);
  const message = settings.production
    ? "This gateway does not serve the host this request names; see ALLOWED_HOSTS."
    : "This gateway does not serve the host this request names: outside production it answers localhost, 127.0.0.1, [::1] and HOST; add other names to ALLOWED_HOSTS.";
  refuse(res, { code: ErrorCode.MisdirectedRequest, message }, ids);
}

export interface RequestSettings extends HostSettings {
  logger: Logger;
  tracing: Tracing | undefined;
  trustProxyRequestId: boolean;
  metricsToken: string | null;
}

/** Every request: its Host checked, then its ids, its trace and its logger, then the route. */
export function requestHandler(
  route: Route,
  settings: RequestSettings,
  lifecycle: Lifecycle,
  maxBodyBytes: number,
): RequestListener {
  const { logger, tracing } = settings;
  const hostAllowed = hostCheck(settings);
  return (req, res) => {
    if (
      hostAllowed !== null &&
      !hostAllowed(req.headers.host) &&
      !reachableByAnyHost(req.url, settings.metricsToken)
    ) {
      return misdirected(req, res, settings);
    }
    const ids = requestIds(req.headers["x-request-id"], settings.trustProxyRequestId);
    const trace = tracing?.startRequest(req, res, ids.requestId);
    // A sampled-out request's ids lead to no trace: its lines go without them.
    const requestLogger = new RequestLogger(logger, ids, trace?.sampled ? trace.ids : undefined);
    res.setHeader("x-request-id", ids.requestId);
    if (lifecycle.draining) res.setHeader("connection", "close");
    const failed = (error: unknown) => answerFailure(error, res, ids, requestLogger, maxBodyBytes);
    try {
      const routed = route(req, res, { ids, logger: requestLogger, trace });
      if (routed) routed.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}
