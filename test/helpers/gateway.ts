import { Writable } from "node:stream";
import type { GraphQLSchema } from "graphql";
import {
  gatewayConfig,
  type EventsConfig,
  type GatewayConfig,
  type HttpLimits,
  type IdempotencyConfig,
  type Limits,
} from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { buildGatewaySchema } from "../../src/schema.js";
import { createGateway, type GatewayDeps } from "../../src/server.js";
import type { IdempotencyStore } from "../../src/idempotency/store.js";

export const SECRET_ID = "secret-id-7f3a9c";
export const SECRET_PASSWORD = "secret-password-2b8e4d";
/** The gateway's clock in tests. */
export const NOW = new Date("2026-01-15T10:00:00.000Z");

let schema: Promise<GraphQLSchema> | undefined;

/**
 * The executor the suite runs on. By default every operation is compiled by graphql-jit from its
 * first execution, as recurring ones are in production; `GATEWAY_EXECUTOR=graphql-js` (CI's
 * second run, .ci/run) compiles nothing, so every operation runs on graphql-js.
 */
function compileOn(executor = process.env.GATEWAY_EXECUTOR ?? "graphql-jit"): number {
  if (executor === "graphql-jit") return 1;
  if (executor === "graphql-js") return Number.POSITIVE_INFINITY;
  throw new Error(`GATEWAY_EXECUTOR must be graphql-jit or graphql-js, not ${executor}`);
}

export interface TestGateway {
  url: string;
  /** Every log line the gateway wrote, as text. */
  logs: string[];
  shutdown(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Settings a test changes, on top of the parsed defaults; and the dependencies it supplies. */
export type GatewayOverrides = Partial<
  Pick<
    GatewayConfig,
    | "timeoutMs"
    | "linkStatusLookupMs"
    | "apiKeys"
    | "production"
    | "metricsToken"
    | "corsOrigins"
    | "trustProxyRequestId"
    | "host"
    | "allowedHosts"
    | "storeKeySecret"
    | "redisUrl"
    | "redisCommandTimeoutMs"
  >
> &
  Partial<Pick<GatewayDeps, "guardStore" | "now" | "trustedDocuments" | "schema" | "tracing">> &
  NonNullable<GatewayDeps["testing"]> & {
    limits?: Partial<Limits>;
    http?: Partial<HttpLimits>;
    idempotency?: Partial<IdempotencyConfig> & { store?: IdempotencyStore };
    events?: Partial<EventsConfig>;
  };

/** The config through the same parser as at start-up, then the test's overrides. */
function testConfig(upstreamUrl: string, overrides: GatewayOverrides): GatewayConfig {
  const production = overrides.production ?? false;
  const base = gatewayConfig(
    { kind: "belvo", url: upstreamUrl, secretId: SECRET_ID, secretPassword: SECRET_PASSWORD },
    production
      ? { NODE_ENV: "production", GATEWAY_ALLOW_ANONYMOUS: "true", METRICS_PUBLIC: "true" }
      : {},
  );
  const { store: _store, ...idempotency } = overrides.idempotency ?? {};
  return {
    ...base,
    timeoutMs: overrides.timeoutMs ?? 5_000,
    linkStatusLookupMs: overrides.linkStatusLookupMs ?? base.linkStatusLookupMs,
    apiKeys: overrides.apiKeys ?? null,
    metricsToken: overrides.metricsToken ?? null,
    corsOrigins: overrides.corsOrigins ?? base.corsOrigins,
    host: overrides.host ?? base.host,
    allowedHosts: overrides.allowedHosts ?? base.allowedHosts,
    storeKeySecret: overrides.storeKeySecret ?? base.storeKeySecret,
    // The tests act as the trusted proxy: their `x-request-id` is the request id, so answers can
    // be pinned whole. The default (false) is tested in observability.test.ts.
    trustProxyRequestId: overrides.trustProxyRequestId ?? true,
    limits: { ...base.limits, ...overrides.limits },
    http: { ...base.http, ...overrides.http },
    idempotency: { ...base.idempotency, ...idempotency },
    events: { ...base.events, ...overrides.events },
    redisUrl: overrides.redisUrl ?? null,
    redisCommandTimeoutMs: overrides.redisCommandTimeoutMs ?? base.redisCommandTimeoutMs,
  };
}

/** Starts the real gateway on a free loopback port in front of `upstreamUrl`. */
export async function startGateway(
  upstreamUrl: string,
  overrides: GatewayOverrides = {},
): Promise<TestGateway> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  schema ??= buildGatewaySchema();
  const gateway = await createGateway(testConfig(upstreamUrl, overrides), {
    logger: createLogger("info", false, sink),
    now: overrides.now ?? (() => NOW),
    schema: overrides.schema ?? (await schema),
    guardStore: overrides.guardStore,
    idempotencyStore: overrides.idempotency?.store,
    trustedDocuments: overrides.trustedDocuments,
    tracing: overrides.tracing,
    testing: {
      retryBaseMs: overrides.retryBaseMs,
      leaseMarginMs: overrides.leaseMarginMs,
      // Every operation runs compiled from its first execution, as recurring ones do in production
      // (or never, on the CI run with GATEWAY_EXECUTOR=graphql-js).
      jitCompileOn: "jitCompileOn" in overrides ? overrides.jitCompileOn : compileOn(),
    },
  });
  const url = await gateway.listen(0, "127.0.0.1");
  return {
    url,
    logs,
    shutdown: (graceMs) => gateway.shutdown(graceMs),
    close: () => gateway.close(),
  };
}

export const BASIC_AUTH = `Basic ${Buffer.from(`${SECRET_ID}:${SECRET_PASSWORD}`).toString("base64")}`;
