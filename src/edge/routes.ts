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
import { BodyTooLarge, ClientGone, bearerKeys, sendJson } from "./http-io.js";
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
}

type Route = (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => Promise<void>;

export function createRouter(parts: RouteParts): Route {
  const { explorer, lifecycle, guards, metrics } = parts;
  const metricsReader = parts.metricsToken ? bearerKeys([parts.metricsToken]) : null;
  return async (req, res, scope) => {
    const { ids } = scope;
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    // The offline explorer, outside production only (in production: the 404 below).
    if (explorer && (path === EXPLORER_PATH || path.startsWith(`${EXPLORER_PATH}/`))) {
      return explorer(req, res, path, ids);
    }
    switch (path) {
      case "/health":
        return sendJson(res, 200, { status: "ok" });
      case "/ready":
        if (lifecycle.draining) return sendJson(res, 503, { status: "draining" });
        return (await guards.ready())
          ? sendJson(res, 200, { status: "ready" })
          : sendJson(res, 503, { status: "guard store unreachable" });
      case "/metrics":
        if (metricsReader && metricsReader(req.headers.authorization) === null) {
          const message = "Send METRICS_TOKEN as `Authorization: Bearer <token>`.";
          return refuse(res, { code: ErrorCode.Unauthenticated, message }, ids);
        }
        res
          .writeHead(200, { "content-type": metrics.registry.contentType })
          .end(await metrics.registry.metrics());
        return;
      case "/graphql":
        if (lifecycle.draining) return refuseDraining(res, ids);
        return parts.graphql(req, res, queryAt === -1 ? "" : url.slice(queryAt), scope);
      default: {
        const message = `Nothing at ${path}; GraphQL is served at /graphql.`;
        return refuse(res, { code: ErrorCode.NotFound, message }, ids);
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
  refuse(res, { code: ErrorCode.InternalServerError, message: "Internal server error" }, ids);
}

/** Every request: its ids, its trace and its logger, then the route. */
export function requestHandler(
  route: Route,
  settings: { logger: Logger; tracing: Tracing | undefined; trustProxyRequestId: boolean },
  lifecycle: Lifecycle,
  maxBodyBytes: number,
): RequestListener {
  const { logger, tracing } = settings;
  return (req, res) => {
    const ids = requestIds(req.headers["x-request-id"], settings.trustProxyRequestId);
    const trace = tracing?.startRequest(req, res, ids.requestId);
    // A sampled-out request's ids lead to no trace: its lines go without them.
    const requestLogger = new RequestLogger(logger, ids, trace?.sampled ? trace.ids : undefined);
    res.setHeader("x-request-id", ids.requestId);
    if (lifecycle.draining) res.setHeader("connection", "close");
    route(req, res, { ids, logger: requestLogger, trace }).catch((error: unknown) =>
      answerFailure(error, res, ids, requestLogger, maxBodyBytes),
    );
  };
}
