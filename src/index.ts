import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import {
  ConfigError,
  loadConfig,
  redisSetting,
  redisTarget,
  type BelvoUpstream,
  type Config,
  type RedisTarget,
} from "./config.js";
import { TrustedDocuments } from "./guards/trusted-documents.js";
import type { GuardStore } from "./guards/store.js";
import type { Logger } from "pino";
import { createLogger } from "./logger.js";
import type { Sandbox } from "./sandbox/server.js";

/**
 * A gateway keeps little between requests but allocates briskly, and V8 would let the old
 * generation grow to four times what survives a full collection; 1.6 times keeps the resident
 * size far lower for about 1% more time in GC. A `--heap-growing-percent` given to node wins.
 */
if (!process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) {
  setFlagsFromString("--heap-growing-percent=60");
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
}

/**
 * The server's modules (Apollo, the schema, undici…), loaded once the settings are accepted: a
 * refused start-up answers at once, without spending a second loading them. What only a setting
 * turns on (the emulator, the Redis stores, tracing) is loaded where that setting is read.
 */
async function loadServer() {
  const [store, server] = await Promise.all([import("./guards/store.js"), import("./server.js")]);
  return { ...store, ...server };
}
type Server = Awaited<ReturnType<typeof loadServer>>;

/** Waits for Redis to answer, or stops start-up with one line (the URL may hold a password: never shown). */
async function answeringOrExit(check: Promise<void>, target: RedisTarget): Promise<void> {
  try {
    await check;
  } catch (error) {
    console.error(
      `Cannot start: ${redisSetting(target)}: Redis did not answer (${error instanceof Error ? error.message : "unknown error"}).`,
    );
    process.exit(1);
  }
}

/** The guards' store and the idempotency store on Redis, each checked before the gateway listens. */
async function connectRedis(server: Server, config: Config, target: RedisTarget, logger: Logger) {
  const { redisStore, checkStore } = server;
  const { RedisIdempotencyStore } = await import("./idempotency/redis.js");
  const onError = (error: Error) => logger.warn({ err: { message: error.message } }, "redis error");
  const deadlines = {
    commandTimeoutMs: config.redisCommandTimeoutMs,
    connectTimeoutMs: config.redisConnectTimeoutMs,
  };
  const guardStore: GuardStore = redisStore(target, deadlines, onError);
  const idempotencyStore = new RedisIdempotencyStore(target, {
    ...deadlines,
    scopeBytes: config.idempotencyRedisScopeBytes,
    youngMs: config.idempotencyYoungMs,
    onError,
  });
  await answeringOrExit(checkStore(guardStore), target);
  await answeringOrExit(idempotencyStore.connect(), target);
  return { guardStore, idempotencyStore };
}

/** Belvo as configured, or the built-in emulator started for this process. */
async function resolveUpstream(
  config: Config,
): Promise<{ upstream: BelvoUpstream; sandbox?: Sandbox }> {
  if (config.upstream.kind === "belvo") return { upstream: config.upstream };
  const { startSandbox } = await import("./sandbox/server.js");
  const sandbox = await startSandbox(0, "127.0.0.1");
  // The emulator takes any key pair; a random one keeps the gateway's code path the real one.
  const secretPassword = randomBytes(12).toString("hex");
  return {
    upstream: { kind: "belvo", url: sandbox.url, secretId: "sandbox", secretPassword },
    sandbox,
  };
}

/** What a person starting the gateway reads: where it listens, what it talks to, what it needs. */
function printBanner(
  config: Config,
  url: string,
  upstream: { upstreamUrl: string; emulator: boolean; trusted: boolean },
): void {
  const { upstreamUrl, emulator, trusted } = upstream;
  const lines = [
    `\nbelvo-graphql-gateway listening at ${url}/graphql`,
    `  upstream: ${emulator ? `built-in Belvo sandbox emulator at ${upstreamUrl}` : `Belvo at ${upstreamUrl}`}`,
  ];
  if (emulator)
    lines.push("  (set BELVO_URL, BELVO_SECRET_ID and BELVO_SECRET_PASSWORD to use Belvo instead)");
  if (!config.production) {
    lines.push(
      config.apiKeys
        ? `  Apollo Sandbox: open ${url}/graphql in a browser; add the header Authorization: Bearer <one of GATEWAY_API_KEYS> (Headers tab) before running the example`
        : `  Apollo Sandbox: open ${url}/graphql in a browser; the example operation runs as is`,
      `  offline explorer (GraphiQL, no internet needed): ${url}/explorer`,
    );
  }
  if (config.apiKeys)
    lines.push("  clients must send Authorization: Bearer <one of GATEWAY_API_KEYS>");
  if (trusted) lines.push("  only the documents in TRUSTED_DOCUMENTS run");
  if (config.tracing)
    lines.push(
      `  tracing: spans to ${new URL(config.tracing.tracesUrl).origin} as ${config.tracing.serviceName} (${config.tracing.sampler})`,
    );
  lines.push(`  health: ${url}/health  readiness: ${url}/ready  metrics: ${url}/metrics\n`);
  // One write: a reader waiting for the first line gets the whole banner with it.
  console.log(lines.join("\n"));
}

/** Why the port could not be taken, with the setting that fixes it; other errors as they are. */
function listenProblem(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "EADDRINUSE")
    return new Error(
      `PORT: ${host}:${port} is already in use (another gateway, or an earlier npm start still running?); stop that process, or set PORT to a free port, e.g. PORT=${port + 1} npm start.`,
    );
  if (code === "EACCES")
    return new Error(
      `PORT: ${port} needs privileges this process lacks (a port below 1024); set PORT to 1024 or above, e.g. PORT=4000.`,
    );
  if (code === "EADDRNOTAVAIL")
    return new Error(
      `HOST: ${host} is not an address of this machine; set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for every interface).`,
    );
  return error;
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel, config.production);
  // Read before anything starts: a manifest that cannot be trusted stops start-up at once.
  const trustedDocuments = config.trustedDocuments
    ? TrustedDocuments.fromFile(config.trustedDocuments)
    : undefined;
  const server = await loadServer();
  const { MEMORY_STORE, closeStore } = server;
  const { upstream, sandbox } = await resolveUpstream(config);
  // Loaded only when on: without tracing the process never loads the OpenTelemetry SDK.
  const traced = config.tracing
    ? (await import("./tracing/start.js")).startTracing(config.tracing, logger)
    : null;
  const redis = redisTarget(config);
  const { guardStore, idempotencyStore } = redis
    ? await connectRedis(server, config, redis, logger)
    : { guardStore: MEMORY_STORE, idempotencyStore: undefined };
  // The emulator signs its webhooks with a secret the gateway takes: one of their own making.
  const events = sandbox
    ? {
        ...config.events,
        webhookSecret: config.events.webhookSecret ?? randomBytes(24).toString("hex"),
      }
    : config.events;
  const gateway = await server.createGateway(
    { ...config, upstream, events },
    { logger, guardStore, idempotencyStore, trustedDocuments, tracing: traced?.tracing },
  );
  const url = await gateway.listen(config.port, config.host).catch((error: unknown) => {
    throw listenProblem(error, config.port, config.host);
  });
  if (sandbox)
    sandbox.webhooks.target = { url: `${url}/webhooks/belvo`, secret: events.webhookSecret! };
  let stopping = false;
  // `on`, not `once`: with no listener left, a second signal would kill the process mid-drain
  // and every request in flight with it (single-use tokens already sent upstream).
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "already shutting down: signal ignored");
      return;
    }
    stopping = true;
    logger.info(
      { signal, graceMs: config.shutdownGraceMs },
      "shutting down: no new connections, finishing requests in flight",
    );
    void gateway
      .shutdown(config.shutdownGraceMs)
      .then(() => closeStore(guardStore))
      // The spans still queued are sent before the process exits.
      .then(() => traced?.stop())
      .then(() => idempotencyStore?.close())
      .then(() => sandbox?.close())
      .then(() => {
        logger.info("stopped");
        logger.flush();
        process.exit(0);
      });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Announced only once a signal is handled: whoever reads this and sends SIGTERM gets a drain,
  // never the default death of a process with no handler yet.
  logger.info(
    { url: `${url}/graphql`, upstream: sandbox ? "emulator" : upstream.url },
    "gateway listening",
  );
  printBanner(config, url, {
    upstreamUrl: upstream.url,
    emulator: sandbox !== undefined,
    trusted: trustedDocuments !== undefined,
  });
}

main().catch((error: unknown) => {
  console.error("Cannot start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
