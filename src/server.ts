/**
 * The composition root: Apollo configured, and the edge (src/edge/) wired to it from the
 * validated config and the dependencies. Each piece's behaviour lives in its own module.
 */
import "reflect-metadata";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config.js";
import type { Context } from "./context.js";
import { createAdmission } from "./edge/admission.js";
import { graphQLHandler } from "./edge/apollo-bridge.js";
import { Lifecycle } from "./edge/lifecycle.js";
import { createRouter, requestHandler } from "./edge/routes.js";
import { formatError } from "./errors.js";
import { explorerHandler } from "./explorer.js";
import { documentGuards } from "./guards/document-rules.js";
import { READ_COST } from "./guards/upstream-cost.js";
import { Guards } from "./guards/guards.js";
import { MEMORY_STORE, type GuardStore } from "./guards/store.js";
import { storeKeySecret } from "./guards/store-keys.js";
import type { TrustedDocuments } from "./guards/trusted-documents.js";
import { IdempotencyGate } from "./idempotency/gate.js";
import {
  DEFAULT_MEMORY_LIMITS,
  MemoryIdempotencyStore,
  type IdempotencyStore,
} from "./idempotency/store.js";
import { landingPagePlugin } from "./landing.js";
import { GatewayMetrics } from "./metrics.js";
import { requestPlugin } from "./request-listener.js";
import { buildGatewaySchema } from "./schema.js";
import { serveEvents } from "./events/serve.js";
import { jitExecution } from "./execution/jit.js";
import { tracedResolvers } from "./tracing/resolvers.js";
import type { Tracing } from "./tracing/tracing.js";
import { BelvoClient } from "./upstream/belvo.js";

/** What the gateway is given besides its config; each left out takes the default noted. */
export interface GatewayDeps {
  logger: Logger;
  /** Where the guards count (Redis across replicas); this process by default. */
  guardStore?: GuardStore;
  /** Idempotency claims and answers; this process by default (then closed with the gateway). */
  idempotencyStore?: IdempotencyStore;
  /** The manifest read from `config.trustedDocuments`; any document runs without it. */
  trustedDocuments?: TrustedDocuments;
  /** OpenTelemetry spans (src/tracing); none when left out. */
  tracing?: Tracing;
  /** Reuse a schema already built (tests, benchmarks); built otherwise. */
  schema?: GraphQLSchema;
  /** Gateway clock, for `expiresAt`; tests pin it. */
  now?: () => Date;
  /** Knobs only tests and the bench turn. */
  testing?: {
    /** First pause before a failed GET is tried again (tests shorten it). */
    retryBaseMs?: number;
    /** The execution of an operation on which graphql-jit compiles it (default 2; tests: 1). */
    jitCompileOn?: number;
    /** What an idempotency claim's lease adds to its request's longest run (default 60 s). */
    leaseMarginMs?: number;
  };
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

async function createApollo(
  config: GatewayConfig,
  deps: GatewayDeps,
  metrics: GatewayMetrics,
): Promise<ApolloServer<Context>> {
  const { production, limits } = config;
  const { tracing } = deps;
  const documents = documentGuards(limits, production);
  const schema = deps.schema!;
  const apollo = new ApolloServer<Context>({
    gateway: jitExecution(
      tracing?.resolverSpans ? tracedResolvers(schema, tracing) : schema,
      deps.testing?.jitCompileOn,
      { suggestions: !production },
    ),
    formatError,
    includeStacktraceInErrorResponses: false,
    // Decided at the edge, in the gateway's own words, where a valid API key also counts
    // (src/edge/cross-site.ts); Apollo's check would answer a keyed GET with its own paragraph.
    csrfPrevention: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: documents.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    // The gateway owns the process's signals: Apollo's handler would re-raise SIGTERM after stopping.
    stopOnTerminationSignals: false,
    logger: deps.logger,
    plugins: [
      // Observability, the document checks, the cost check (after validation, before any
      // execution: no Belvo call for a refused document), the validation errors' messages,
      // suggestions hidden, tracing: one listener a request (src/request-listener.ts).
      requestPlugin({
        metrics,
        documents,
        maxUpstreamCost: limits.maxUpstreamCost,
        validationErrors: { suggestions: !production },
        tracing: tracing !== undefined,
      }),
      ...documents.plugins,
      // No HTTP caching of mutations; its per-field hook would cost every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo installs it everywhere, to act only in a federated subgraph, which this is not.
      ApolloServerPluginInlineTraceDisabled(),
      landingPagePlugin({ production, keyed: config.apiKeys !== null }),
    ],
  });
  await apollo.start();
  return apollo;
}

/**
 * An idempotency claim must outlive its request, or a retry claims the key and sends the write
 * again. A request's Belvo calls run one after another at worst (a write, then each level of
 * reads below it), each within the deadline, and MAX_UPSTREAM_COST bounds how many there are
 * (each counts at least a read's 3): so that many deadlines, and never fewer than two (a write and
 * the read that may follow it), plus a margin.
 */
function claimLeaseMs(timeoutMs: number, maxUpstreamCost: number, marginMs = 60_000) {
  return Math.max(2, Math.ceil(maxUpstreamCost / READ_COST)) * timeoutMs + marginMs;
}

/** The Belvo client of a gateway, from its settings. */
function belvoClient(
  config: GatewayConfig,
  deps: GatewayDeps,
  metrics: GatewayMetrics,
  now: () => Date,
): BelvoClient {
  const { limits } = config;
  const { logger, tracing } = deps;
  return BelvoClient.create({
    url: config.upstream.url,
    secretId: config.upstream.secretId,
    secretPassword: config.upstream.secretPassword,
    timeoutMs: config.timeoutMs,
    linkStatusLookupMs: config.linkStatusLookupMs,
    retryBaseMs: deps.testing?.retryBaseMs,
    maxResponseBytes: limits.maxResponseBytes,
    maxListPages: limits.maxListPages,
    maxUpstreamCalls: limits.maxUpstreamCost,
    now,
    logger,
    metrics,
    tracing,
  });
}

export async function createGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const { logger, tracing } = deps;
  const { limits, production } = config;
  const now = deps.now ?? (() => new Date());
  const metrics = new GatewayMetrics();
  const keySecret = storeKeySecret(config.storeKeySecret, config.upstream);
  const guards = new Guards(
    deps.guardStore ?? MEMORY_STORE,
    limits,
    keySecret,
    tracing ? (request, cap, step, work) => tracing.guard(request, cap, step, work) : undefined,
  );
  const belvo = belvoClient(config, deps, metrics, now);
  const schema = deps.schema ?? (await buildGatewaySchema());
  const apollo = await createApollo(config, { ...deps, schema }, metrics);
  const idempotencyStore =
    deps.idempotencyStore ??
    new MemoryIdempotencyStore({ ...DEFAULT_MEMORY_LIMITS, youngMs: config.idempotencyYoungMs });
  const gate = new IdempotencyGate(
    idempotencyStore,
    {
      ...config.idempotency,
      leaseMs: claimLeaseMs(config.timeoutMs, limits.maxUpstreamCost, deps.testing?.leaseMarginMs),
      maxTokens: limits.maxTokens,
      keySecret,
    },
    metrics,
  );
  const lifecycle = new Lifecycle(config.http, logger);
  const admission = createAdmission({ ...config, ratePerMinute: limits.ratePerMinute }, guards);
  const events = await serveEvents(config, { ...deps, schema, lifecycle, admission, now, guards });
  const graphql = graphQLHandler({
    apollo,
    admission,
    lifecycle,
    gate,
    belvo,
    guards,
    maxBodyBytes: limits.maxBodyBytes,
    maxDocumentBytes: limits.maxDocumentBytes,
    trustedDocuments: deps.trustedDocuments,
    landingPage: !production,
    now,
    events: events.hub,
  });
  const explorer = production ? null : explorerHandler({ keyed: config.apiKeys !== null });
  const route = createRouter({
    graphql,
    explorer,
    lifecycle,
    guards,
    metrics,
    ...config,
    webhook: events.webhook,
    stream: events.stream,
  });
  lifecycle.serve(
    requestHandler(route, { ...config, logger, tracing }, lifecycle, limits.maxBodyBytes),
  );

  let stopped: Promise<void> | undefined;
  async function drainAndStop(graceMs: number): Promise<void> {
    await lifecycle.drain(graceMs);
    await apollo.stop();
    await belvo.close();
    await events.close();
    if (!deps.idempotencyStore) await idempotencyStore.close();
  }
  function shutdown(graceMs: number): Promise<void> {
    stopped ??= drainAndStop(graceMs);
    return stopped;
  }
  return {
    listen: (port, host) => lifecycle.listen(port, host),
    shutdown,
    close: () => shutdown(0),
  };
}
