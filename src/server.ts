import "reflect-metadata";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Context } from "./context.js";
import {
  DEFAULT_IDEMPOTENCY,
  DEFAULT_LIMITS,
  type IdempotencyConfig,
  type Limits,
} from "./config.js";
import { ErrorCode, formatError } from "./errors.js";
import { AttemptGuard } from "./guards/attempts.js";
import { applyCors, type CorsOrigins } from "./guards/cors.js";
import { MemoryCounters, type Counters } from "./guards/counters.js";
import { documentRules } from "./guards/document-rules.js";
import { BodyTooLarge, bearerKeys, errorBody, readBody, requestIdFrom, sendJson } from "./http.js";
import { EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES } from "./landing.js";
import { createLoaders } from "./loaders.js";
import { GatewayMetrics } from "./metrics.js";
import { observabilityPlugin } from "./observability.js";
import { RequestLogger } from "./logger.js";
import { buildGatewaySchema } from "./schema.js";
import { jitExecution } from "./execution.js";
import { BelvoClient } from "./upstream/belvo.js";
import { IdempotencyGate } from "./idempotency/gate.js";
import { beginIdempotent, settle, settleFailure, watchClient } from "./idempotency/hook.js";
import { MemoryIdempotencyStore, type IdempotencyStore } from "./idempotency/store.js";

export interface GatewayOptions {
  upstream: { url: string; secretId: string; secretPassword: string };
  timeoutMs: number;
  apiKeys: string[] | null;
  production: boolean;
  logger: Logger;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string | null;
  /** Any left out takes its default (config.ts). */
  limits?: Partial<Limits>;
  /** Default: any origin outside production, none in production. */
  corsOrigins?: CorsOrigins;
  /** Where rate-limit counters live (Redis across replicas); this process by default. */
  counters?: Counters;
  /** Gateway clock, for `expiresAt`; tests pin it. */
  now?: () => Date;
  /** First pause before a failed GET is tried again (tests shorten it). */
  retryBaseMs?: number;
  /** The execution of an operation on which graphql-jit compiles it (default 2; tests: 1). */
  jitCompileOn?: number;
  /** Reuse a schema already built (tests, benchmarks); built otherwise. */
  schema?: GraphQLSchema;
  /** Idempotency-Key handling: claims and answers in this process unless a store is given. */
  idempotency?: Partial<IdempotencyConfig> & { store?: IdempotencyStore };
}

export interface Gateway {
  listen(port: number, host: string): Promise<string>;
  /**
   * Stops taking requests and reports not-ready, lets the ones in flight finish for up to
   * `graceMs`, then closes every connection and the upstream pool.
   */
  shutdown(graceMs: number): Promise<void>;
  /** shutdown(0): for tests and fatal paths. */
  close(): Promise<void>;
}

function isLandingPageRequest(req: IncomingMessage, search: string): boolean {
  return (
    req.method === "GET" &&
    !/[?&]query=/.test(search) &&
    (req.headers.accept ?? "").includes("text/html")
  );
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { logger, production } = options;
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { maxBodyBytes } = limits;
  const corsOrigins = options.corsOrigins ?? (production ? [] : "*");
  const counters = options.counters ?? new MemoryCounters();
  const attempts = new AttemptGuard(counters, {
    max: limits.mfaMaxFailures,
    windowMs: limits.mfaWindowMs,
  });
  const now = options.now ?? (() => new Date());
  const metrics = new GatewayMetrics();
  const belvo = BelvoClient.create({
    ...options.upstream,
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    maxResponseBytes: limits.maxResponseBytes,
    now,
    logger,
    metrics,
  });
  const apollo = new ApolloServer<Context>({
    gateway: jitExecution(options.schema ?? (await buildGatewaySchema()), options.jitCompileOn),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: [documentRules(limits)],
    parseOptions: { maxTokens: limits.maxTokens },
    // The gateway owns the process's signals: Apollo's handler would re-raise SIGTERM after stopping.
    stopOnTerminationSignals: false,
    logger,
    plugins: [
      observabilityPlugin(metrics),
      // No HTTP caching of mutations; its per-field hook would cost every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo installs it everywhere, to act only in a federated subgraph, which this is not.
      ApolloServerPluginInlineTraceDisabled(),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            document: EXAMPLE_DOCUMENT,
            variables: EXAMPLE_VARIABLES,
            footer: false,
          }),
    ],
  });
  await apollo.start();
  const idempotencyStore = options.idempotency?.store ?? new MemoryIdempotencyStore();
  const gate = new IdempotencyGate(
    idempotencyStore,
    {
      waitMs: options.idempotency?.waitMs ?? DEFAULT_IDEMPOTENCY.waitMs,
      ttlMs: options.idempotency?.ttlMs ?? DEFAULT_IDEMPOTENCY.ttlMs,
      // A claim must outlive its request (a write and the reads after it, each within the deadline).
      leaseMs: 2 * options.timeoutMs + 60_000,
      maxTokens: limits.maxTokens,
    },
    metrics,
  );
  /** Null when the gateway takes no keys (anyone may call it). */
  const clientKey = options.apiKeys ? bearerKeys(options.apiKeys) : null;
  const metricsReader = options.metricsToken ? bearerKeys([options.metricsToken]) : null;
  /** Per client key, or per address when the caller presents none. Null when not limited. */
  async function overRate(req: IncomingMessage, client: string | null): Promise<number | null> {
    if (limits.ratePerMinute === null) return null;
    const key = client ?? `addr:${req.socket.remoteAddress ?? "?"}`;
    const { count, resetInMs } = await counters.increment(`rate:${key}`, 60_000);
    return count > limits.ratePerMinute ? resetInMs : null;
  }

  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  async function handleGraphQL(
    req: IncomingMessage,
    res: ServerResponse,
    search: string,
    requestId: string,
    requestLogger: RequestLogger,
  ) {
    if (applyCors(req, res, corsOrigins)) return;
    const client = clientKey?.(req.headers.authorization) ?? null;
    if (clientKey && client === null && !isLandingPageRequest(req, search)) {
      requestLogger.warn({ path: "/graphql" }, "refused: no valid client key");
      sendJson(
        res,
        401,
        errorBody(
          "Send a valid gateway API key as `Authorization: Bearer <key>`.",
          ErrorCode.Unauthenticated,
          requestId,
        ),
        {
          "www-authenticate": 'Bearer realm="belvo-graphql-gateway"',
        },
      );
      return;
    }
    const retryAfterMs = await overRate(req, client);
    if (retryAfterMs !== null) {
      const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
      sendJson(
        res,
        429,
        errorBody(
          `More than ${limits.ratePerMinute} requests in a minute; retry later.`,
          ErrorCode.RateLimited,
          requestId,
          {
            retryAfter,
          },
        ),
        { "retry-after": String(retryAfter) },
      );
      return;
    }
    const headers = headerMap(req);
    let body: unknown;
    if (req.method === "POST") {
      const text = await readBody(req, maxBodyBytes);
      if ((headers.get("content-type") ?? "").includes("json")) {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(
            res,
            400,
            errorBody("The request body is not valid JSON.", "BAD_REQUEST", requestId),
          );
          return;
        }
      }
    }
    const claim = await beginIdempotent(gate, req, res, {
      scope: client ?? "anonymous",
      body,
      requestId,
      logger: requestLogger,
    });
    if (claim === true) return;
    watchClient(res, requestLogger, claim);
    let upstream: BelvoClient | undefined;
    let response = await apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search, body },
        context: () => {
          const client = (upstream = belvo.forRequest(requestLogger));
          return Promise.resolve({
            attempts,
            requestId,
            belvo: client,
            loaders: createLoaders(client),
            logger: requestLogger,
            now,
          });
        },
      })
      .catch(async (error: unknown) => {
        if (claim) await settleFailure(claim, requestId, upstream);
        throw error;
      });
    if (claim) response = await settle(claim, response, upstream);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    requestLogger: RequestLogger,
  ) {
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    switch (path) {
      case "/health":
        return sendJson(res, 200, { status: "ok" });
      case "/ready":
        return draining
          ? sendJson(res, 503, { status: "draining" })
          : sendJson(res, 200, { status: "ready" });
      case "/metrics":
        if (metricsReader && metricsReader(req.headers.authorization) === null) {
          return sendJson(
            res,
            401,
            errorBody(
              "Send METRICS_TOKEN as `Authorization: Bearer <token>`.",
              ErrorCode.Unauthenticated,
              requestId,
            ),
          );
        }
        res
          .writeHead(200, { "content-type": metrics.registry.contentType })
          .end(await metrics.registry.metrics());
        return;
      case "/graphql":
        if (draining) {
          // Nothing of this request has been sent upstream: another replica can take it.
          return sendJson(
            res,
            503,
            errorBody("The gateway is shutting down; retry.", "SHUTTING_DOWN", requestId),
            { connection: "close", "retry-after": "1" },
          );
        }
        inFlight++;
        res.once("close", () => {
          inFlight--;
          if (inFlight === 0) drained?.();
        });
        return handleGraphQL(
          req,
          res,
          queryAt === -1 ? "" : url.slice(queryAt),
          requestId,
          requestLogger,
        );
      default:
        return sendJson(
          res,
          404,
          errorBody(`Nothing at ${path}; GraphQL is served at /graphql.`, "NOT_FOUND", requestId),
        );
    }
  }

  const server = createServer((req, res) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    const requestLogger = new RequestLogger(logger, requestId);
    res.setHeader("x-request-id", requestId);
    if (draining) res.setHeader("connection", "close");
    route(req, res, requestId, requestLogger).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        sendJson(
          res,
          413,
          errorBody(
            `The request body exceeds ${maxBodyBytes} bytes.`,
            "PAYLOAD_TOO_LARGE",
            requestId,
          ),
          { connection: "close" },
        );
        return;
      }
      requestLogger.error({ err: error }, "request failed outside GraphQL execution");
      if (!res.headersSent)
        sendJson(
          res,
          500,
          errorBody("Internal server error", ErrorCode.InternalServerError, requestId),
        );
      else res.destroy();
    });
  });

  let stopped: Promise<void> | undefined;
  function shutdown(graceMs: number): Promise<void> {
    stopped ??= drainAndStop(graceMs);
    return stopped;
  }

  /**
   * Reports not-ready and refuses new operations (503, retryable) while the listener stays up,
   * so a load balancer sees the change; once the operations in flight end, or the grace runs
   * out, closes everything.
   */
  async function drainAndStop(graceMs: number): Promise<void> {
    draining = true;
    if (inFlight > 0) {
      logger.info({ inFlight, graceMs }, "draining: waiting for requests in flight");
      await new Promise<void>((resolve) => {
        drained = resolve;
        setTimeout(resolve, graceMs).unref();
      });
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await apollo.stop();
    await belvo.close();
    if (!options.idempotency?.store) await idempotencyStore.close();
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const { address, port: bound } = server.address() as AddressInfo;
          resolve(`http://${address.includes(":") ? `[${address}]` : address}:${bound}`);
        });
      });
    },
    shutdown,
    close: () => shutdown(0),
  };
}
