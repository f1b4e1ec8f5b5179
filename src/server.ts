import "reflect-metadata";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Context } from "./context.js";
import {
  DEFAULT_HTTP_LIMITS,
  DEFAULT_IDEMPOTENCY,
  DEFAULT_LIMITS,
  defaultCorsOrigins,
  type HttpLimits,
  type IdempotencyConfig,
  type Limits,
} from "./config.js";
import { ConnectionCap } from "./edge/connections.js";
import { ErrorCode, formatError } from "./errors.js";
import { applyCors, corsMatcher, type CorsOrigins } from "./guards/cors.js";
import { GUARD_RETRY_AFTER_S, GuardUnavailable } from "./guards/caps.js";
import { Guards } from "./guards/guards.js";
import { MEMORY_STORE, type GuardStore } from "./guards/store.js";
import { documentGuards } from "./guards/document-rules.js";
import type { TrustedDocuments } from "./guards/trusted-documents.js";
import {
  BodyTooLarge,
  ClientGone,
  bearerKeys,
  errorBody,
  isJsonMediaType,
  readBody,
  requestIds,
  type RequestIds,
  sendJson,
  withRequestIds,
} from "./http.js";
import { EXPLORER_PATH, explorerHandler } from "./explorer.js";
import { landingPagePlugin } from "./landing.js";
import { createLoaders } from "./loaders.js";
import { GatewayMetrics } from "./metrics.js";
import { observabilityPlugin } from "./observability.js";
import { RequestLogger } from "./logger.js";
import { buildGatewaySchema } from "./schema.js";
import { jitExecution } from "./execution/jit.js";
import { BelvoClient } from "./upstream/belvo.js";
import { tracingPlugin } from "./tracing/plugin.js";
import { tracedResolvers } from "./tracing/resolvers.js";
import type { Tracing } from "./tracing/tracing.js";
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
  /** The HTTP server's timeouts and connection cap; any left out takes its default (config.ts). */
  http?: Partial<HttpLimits>;
  /** Default: config.ts's (loopback origins outside production, none in production). */
  corsOrigins?: CorsOrigins;
  /** Where the guards count (Redis across replicas); this process by default. */
  guardStore?: GuardStore;
  /** Gateway clock, for `expiresAt`; tests pin it. */
  now?: () => Date;
  /** First pause before a failed GET is tried again (tests shorten it). */
  retryBaseMs?: number;
  /** The execution of an operation on which graphql-jit compiles it (default 2; tests: 1). */
  jitCompileOn?: number;
  /** Take a caller's `x-request-id` as the request id (a proxy in front sets it); default false. */
  trustProxyRequestId?: boolean;
  /** When set, only these documents run (TRUSTED_DOCUMENTS). */
  trustedDocuments?: TrustedDocuments;
  /** Reuse a schema already built (tests, benchmarks); built otherwise. */
  schema?: GraphQLSchema;
  /** OpenTelemetry spans (src/tracing); none when left out. */
  tracing?: Tracing;
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

/**
 * Outside production a browser may load the landing page without a key, and nothing else: a GET
 * that asks for HTML and carries no parameter at all once decoded as Apollo decodes it
 * (`%71uery` is `query`). Such a request reaches Apollo with an empty query string (see
 * `handleGraphQL`), so it can only ever get the landing page. In production: never.
 */
function isKeylessLandingPage(req: IncomingMessage, search: string, production: boolean): boolean {
  return (
    !production &&
    req.method === "GET" &&
    new URLSearchParams(search).size === 0 &&
    /text\/html/i.test(req.headers.accept ?? "")
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
  const { logger, production, tracing, trustProxyRequestId = false } = options;
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { maxBodyBytes } = limits;
  const corsAllowed = corsMatcher(options.corsOrigins ?? defaultCorsOrigins(production));
  const guards = new Guards(
    options.guardStore ?? MEMORY_STORE,
    limits,
    tracing ? (cap, step, work) => tracing.guard(cap, step, work) : undefined,
  );
  const now = options.now ?? (() => new Date());
  const metrics = new GatewayMetrics();
  const belvo = BelvoClient.create({
    ...options.upstream,
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    maxResponseBytes: limits.maxResponseBytes,
    maxListPages: limits.maxListPages,
    now,
    logger,
    metrics,
    tracing,
  });
  const documents = documentGuards(limits, production);
  const schema = options.schema ?? (await buildGatewaySchema());
  const apollo = new ApolloServer<Context>({
    gateway: jitExecution(
      tracing?.resolverSpans ? tracedResolvers(schema, tracing) : schema,
      options.jitCompileOn,
      { suggestions: !production },
    ),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: documents.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    // The gateway owns the process's signals: Apollo's handler would re-raise SIGTERM after stopping.
    stopOnTerminationSignals: false,
    logger,
    plugins: [
      observabilityPlugin(metrics),
      ...documents.plugins,
      ...(tracing ? [tracingPlugin(tracing)] : []),
      // No HTTP caching of mutations; its per-field hook would cost every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo installs it everywhere, to act only in a federated subgraph, which this is not.
      ApolloServerPluginInlineTraceDisabled(),
      landingPagePlugin({ production, keyed: options.apiKeys !== null }),
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
  function overRate(req: IncomingMessage, client: string | null): Promise<number | null> {
    return guards.overRate(client ?? `addr:${req.socket.remoteAddress ?? "?"}`);
  }

  const explorer = production ? null : explorerHandler({ keyed: options.apiKeys !== null });
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  /** Nothing of this request has been sent upstream: another replica can take it. */
  function refuseDraining(res: ServerResponse, ids: RequestIds) {
    sendJson(res, 503, errorBody("The gateway is shutting down; retry.", "SHUTTING_DOWN", ids), {
      connection: "close",
      "retry-after": "1",
    });
  }

  /**
   * From here the request counts as in flight: the drain waits for it, and its connection is not
   * given up at the connection cap. A request whose body is still arriving is neither. Returns
   * whether the client has gone (its connection closed before the answer was sent).
   */
  function beginExecution(res: ServerResponse): () => boolean {
    inFlight++;
    const release = connections.markExecuting(res.socket);
    let clientGone = false;
    res.once("close", () => {
      clientGone = !res.writableFinished;
      release();
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    return () => clientGone;
  }

  /**
   * CORS, the client key and the request rate. Answers and returns null when the request goes no
   * further; otherwise whether it came without a valid key (then it may only load the landing
   * page: see isKeylessLandingPage).
   */
  async function admission(
    req: IncomingMessage,
    res: ServerResponse,
    search: string,
    ids: RequestIds,
    requestLogger: RequestLogger,
  ): Promise<{ keyless: boolean; client: string | null } | null> {
    if (applyCors(req, res, corsAllowed)) return null;
    const client = clientKey?.(req.headers.authorization) ?? null;
    const keyless = clientKey !== null && client === null;
    if (keyless && !isKeylessLandingPage(req, search, production)) {
      requestLogger.warn({ path: "/graphql" }, "refused: no valid client key");
      sendJson(
        res,
        401,
        errorBody(
          "Send a valid gateway API key as `Authorization: Bearer <key>`.",
          ErrorCode.Unauthenticated,
          ids,
        ),
        { "www-authenticate": 'Bearer realm="belvo-graphql-gateway"' },
      );
      return null;
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
          ids,
          { retryAfter },
        ),
        { "retry-after": String(retryAfter) },
      );
      return null;
    }
    return { keyless, client };
  }

  /**
   * The request as Apollo will see it (a POST's JSON body; the query string, emptied for a
   * keyless request; a trusted document filled in), or null once refused and answered.
   */
  async function graphQLRequest(
    req: IncomingMessage,
    res: ServerResponse,
    headers: HeaderMap,
    search: string,
    ids: RequestIds,
  ): Promise<{ body: unknown; search: string } | null> {
    let body: unknown;
    if (req.method === "POST") {
      const text = await readBody(req, maxBodyBytes);
      if (isJsonMediaType(headers.get("content-type"))) {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(res, 400, errorBody("The request body is not valid JSON.", "BAD_REQUEST", ids));
          return null;
        }
      }
    }
    if (!options.trustedDocuments) return { body, search };
    const admitted = options.trustedDocuments.admit(req.method ?? "GET", body, search);
    if (!admitted) {
      sendJson(
        res,
        400,
        errorBody(
          "This gateway runs only its trusted documents (the typed client's operations).",
          ErrorCode.PersistedQueryNotAllowed,
          ids,
        ),
      );
    }
    return admitted;
  }

  async function handleGraphQL(
    req: IncomingMessage,
    res: ServerResponse,
    search: string,
    ids: RequestIds,
    requestLogger: RequestLogger,
  ) {
    const admitted = await admission(req, res, search, ids, requestLogger);
    if (!admitted) return;
    const headers = headerMap(req);
    const request = await graphQLRequest(req, res, headers, admitted.keyless ? "" : search, ids);
    if (!request) return;
    if (draining) return refuseDraining(res, ids);
    const clientGone = beginExecution(res);
    const claim = await beginIdempotent(gate, req, res, {
      scope: admitted.client ?? "anonymous",
      body: request.body,
      ids,
      logger: requestLogger,
    });
    if (claim === true) return;
    if (claim) watchClient(res, requestLogger, claim);
    let upstream: BelvoClient | undefined;
    let response = await apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, ...request },
        context: () => {
          // Under an idempotency key the answer is kept for the retry: reads go on without the client.
          const client = (upstream = belvo.forRequest(
            requestLogger,
            claim ? undefined : clientGone,
          ));
          return Promise.resolve({
            attempts: guards.attempts(requestLogger),
            ...ids,
            belvo: client,
            loaders: createLoaders(client),
            logger: requestLogger,
            clientGone,
            now,
          });
        },
      })
      .catch(async (error: unknown) => {
        if (claim) await settleFailure(claim, ids, upstream);
        throw error;
      });
    // Only answers in error: a success never pays for the extra parse.
    if ((response.status ?? 200) >= 400 && response.body.kind === "complete") {
      response = {
        ...response,
        body: { kind: "complete", string: withRequestIds(response.body.string, ids) },
      };
    }
    // Stored as it is about to be sent, so a replay is the same bytes.
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
    ids: RequestIds,
    requestLogger: RequestLogger,
  ) {
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
        if (draining) return sendJson(res, 503, { status: "draining" });
        return (await guards.ready())
          ? sendJson(res, 200, { status: "ready" })
          : sendJson(res, 503, { status: "guard store unreachable" });
      case "/metrics":
        if (metricsReader && metricsReader(req.headers.authorization) === null) {
          return sendJson(
            res,
            401,
            errorBody(
              "Send METRICS_TOKEN as `Authorization: Bearer <token>`.",
              ErrorCode.Unauthenticated,
              ids,
            ),
          );
        }
        res
          .writeHead(200, { "content-type": metrics.registry.contentType })
          .end(await metrics.registry.metrics());
        return;
      case "/graphql":
        if (draining) return refuseDraining(res, ids);
        return handleGraphQL(
          req,
          res,
          queryAt === -1 ? "" : url.slice(queryAt),
          ids,
          requestLogger,
        );
      default:
        return sendJson(
          res,
          404,
          errorBody(`Nothing at ${path}; GraphQL is served at /graphql.`, "NOT_FOUND", ids),
        );
    }
  }

  const http: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.http };
  const server = createServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      keepAliveTimeout: http.keepAliveTimeoutMs,
      // Node checks both timeouts on this period (30 s by default, longer than a short timeout).
      connectionsCheckingInterval: Math.min(
        1_000,
        Math.max(50, Math.floor(http.headersTimeoutMs / 4)),
      ),
    },
    (req, res) => {
      const ids = requestIds(req.headers["x-request-id"], trustProxyRequestId);
      const trace = tracing?.startRequest(req, res, ids.requestId);
      const requestLogger = new RequestLogger(logger, ids, trace?.ids);
      res.setHeader("x-request-id", ids.requestId);
      if (draining) res.setHeader("connection", "close");
      const routed =
        tracing && trace
          ? tracing.run(trace, () => route(req, res, ids, requestLogger))
          : route(req, res, ids, requestLogger);
      routed.catch((error: unknown) => {
        if (error instanceof GuardUnavailable && !res.headersSent) {
          requestLogger.warn(
            { path: "/graphql" },
            "refused: the rate guard's store does not answer",
          );
          sendJson(
            res,
            503,
            errorBody(error.message, ErrorCode.GuardUnavailable, ids, {
              retryable: true,
              retryAfter: GUARD_RETRY_AFTER_S,
            }),
            { "retry-after": String(GUARD_RETRY_AFTER_S) },
          );
          return;
        }
        if (error instanceof BodyTooLarge) {
          sendJson(
            res,
            413,
            errorBody(`The request body exceeds ${maxBodyBytes} bytes.`, "PAYLOAD_TOO_LARGE", ids),
            { connection: "close" },
          );
          return;
        }
        if (error instanceof ClientGone) {
          requestLogger.info({ outcome: "CLIENT_GONE" }, "client left before its request arrived");
          return;
        }
        requestLogger.error({ err: error }, "request failed outside GraphQL execution");
        if (!res.headersSent)
          sendJson(
            res,
            500,
            errorBody("Internal server error", ErrorCode.InternalServerError, ids),
          );
        else res.destroy();
      });
    },
  );
  const connections = new ConnectionCap(server, http.maxConnections);

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
