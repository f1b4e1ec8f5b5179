import { Writable } from "node:stream";
import type { GraphQLSchema } from "graphql";
import { createLogger } from "../../src/logger.js";
import { buildGatewaySchema } from "../../src/schema.js";
import { createGateway, type GatewayOptions } from "../../src/server.js";

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

/** Starts the real gateway on a free loopback port in front of `upstreamUrl`. */
export async function startGateway(
  upstreamUrl: string,
  overrides: Partial<Omit<GatewayOptions, "logger" | "upstream">> = {},
): Promise<TestGateway> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  schema ??= buildGatewaySchema();
  const gateway = await createGateway({
    upstream: { url: upstreamUrl, secretId: SECRET_ID, secretPassword: SECRET_PASSWORD },
    timeoutMs: 5_000,
    apiKeys: null,
    production: false,
    logger: createLogger("info", false, sink),
    now: () => NOW,
    schema: await schema,
    jitCompileOn: compileOn(),
    // The tests act as the trusted proxy: their `x-request-id` is the request id, so answers can
    // be pinned whole. The default (false) is tested in observability.test.ts.
    trustProxyRequestId: true,
    ...overrides,
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
