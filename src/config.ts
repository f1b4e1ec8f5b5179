/** The only module that reads process.env. Every problem is one line naming the setting. */
import { settingHostName } from "./edge/hosts.js";

export const BELVO_HOSTS = {
  sandbox: "https://sandbox.belvo.com",
  development: "https://development.belvo.com",
  production: "https://api.belvo.com",
} as const;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type UpstreamConfig =
  { kind: "emulator" } | { kind: "belvo"; url: string; secretId: string; secretPassword: string };
export type BelvoUpstream = Extract<UpstreamConfig, { kind: "belvo" }>;

/** What one request may ask of the gateway; each is a setting (see the README's settings table). */
export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  /**
   * What one operation may cost Belvo, estimated before execution (src/guards/upstream-cost.ts):
   * its requests, a read counting its 3 attempts, a write 10.
   */
  maxUpstreamCost: number;
  maxDirectives: number;
  maxBodyBytes: number;
  /** Characters of one GraphQL document (comments count: Apollo keeps a document's source). */
  maxDocumentBytes: number;
  maxResponseBytes: number;
  /** Failed MFA resumes allowed per link per window. */
  mfaMaxFailures: number;
  mfaWindowMs: number;
  /** Failed logins (registerLink) allowed per institution + username per window. */
  loginMaxFailures: number;
  loginWindowMs: number;
  /** Requests per minute per client key (or per address without keys); null: no limit. */
  ratePerMinute: number | null;
  /** Pages of one Belvo list followed in one call. */
  maxListPages: number;
}

export const DEFAULT_LIMITS: Limits = {
  // The standard introspection query (Apollo Sandbox, codegen) is 15 deep.
  maxDepth: 15,
  maxAliases: 20,
  maxTokens: 2_000,
  maxCost: 500,
  // The typed client's costliest operations (the resumes with their data) are 16: room for a
  // write with a few reads, or ten reads, and no more.
  maxUpstreamCost: 30,
  maxDirectives: 50,
  maxBodyBytes: 1024 * 1024,
  maxDocumentBytes: 32 * 1024,
  maxResponseBytes: 10 * 1024 * 1024,
  mfaMaxFailures: 5,
  mfaWindowMs: 10 * 60_000,
  loginMaxFailures: 5,
  loginWindowMs: 10 * 60_000,
  ratePerMinute: null,
  maxListPages: 100,
};

/** The HTTP server's own limits: how long a client may take to send, and how many may connect. */
export interface HttpLimits {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (not its execution). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; see src/edge/connections.ts for who gives way at the cap. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
};

export interface Config {
  port: number;
  host: string;
  production: boolean;
  upstream: UpstreamConfig;
  timeoutMs: number;
  /**
   * How long a resume answered MFA_SESSION_EXPIRED may wait for the link's status
   * (src/resolvers/recovery.ts); past it the answer goes without.
   */
  linkStatusLookupMs: number;
  apiKeys: string[] | null;
  metricsToken: string | null;
  /**
   * `Host` names served besides the defaults (see edge/hosts.ts): "*" turns the check off; null
   * when unset (then, in production, no check at all).
   */
  allowedHosts: "*" | string[] | null;
  /** STORE_KEY_SECRET; null: derived from the Belvo key pair (guards/store-keys.ts). */
  storeKeySecret: string | null;
  shutdownGraceMs: number;
  logLevel: LogLevel;
  limits: Limits;
  http: HttpLimits;
  /** "*" for any origin; otherwise these (an entry ending in `:*` takes any port). */
  corsOrigins: "*" | string[];
  redisUrl: string | null;
  /** REDIS_SENTINELS with REDIS_SENTINEL_NAME: Redis found through Sentinel (instead of REDIS_URL). */
  redisSentinel: RedisSentinelConfig | null;
  /** A proxy in front sets `x-request-id`: take it as the request id (see context.ts requestIds). */
  trustProxyRequestId: boolean;
  /** Path of the trusted-documents manifest; null: any document runs. */
  trustedDocuments: string | null;
  /** Deadline of each Redis command, and of connecting (also the start-up check). */
  redisCommandTimeoutMs: number;
  redisConnectTimeoutMs: number;
  /** With Redis: the answer bytes (as stored) one client key may keep there at most. */
  idempotencyRedisScopeBytes: number;
  /**
   * How long a kept idempotent answer is young: never set aside for room but for an answer no
   * larger (in this process: never dropped; a client key whose share is all young is refused).
   */
  idempotencyYoungMs: number;
  idempotency: IdempotencyConfig;
  /** null: tracing off (no OTLP endpoint set). */
  tracing: TracingConfig | null;
  /** Belvo's webhooks and the `linkEvents` subscriptions (src/events/, CONTRACT.md section 8). */
  events: EventsConfig;
}

/** Belvo's webhooks, kept per link and streamed to subscribers (src/events/). */
export interface EventsConfig {
  /**
   * BELVO_WEBHOOK_SECRET: `Authorization: Bearer <secret>` on `POST /webhooks/belvo`; null: the
   * receiver answers 404. Never logged, never quoted back.
   */
  webhookSecret: string | null;
  /** Events kept per link: at least this many, or all of the last `keepMs`, whichever is more. */
  keepCount: number;
  keepMs: number;
  /** A bound on what one link keeps however many arrive in `keepMs` (memory). */
  maxPerLink: number;
  /** Subscriptions one WebSocket may hold at once. */
  perConnection: number;
  /** Subscriptions one client key (or, without keys, one address) may hold at once, all transports. */
  perClient: number;
  /** Events waiting for one slow subscriber before it is dropped (with SUBSCRIBER_TOO_SLOW). */
  subscriberBuffer: number;
  /** Bytes waiting in one subscriber's socket before it counts as slow. */
  subscriberBufferBytes: number;
  /** A WebSocket ping (and an SSE keep-alive comment) this often; a socket silent for two closes. */
  keepAliveMs: number;
}

export const DEFAULT_EVENTS: Omit<EventsConfig, "webhookSecret"> = {
  keepCount: 1_000,
  keepMs: 86_400_000,
  maxPerLink: 100_000,
  perConnection: 20,
  perClient: 100,
  subscriberBuffer: 100,
  subscriberBufferBytes: 1024 * 1024,
  keepAliveMs: 15_000,
};

/** What the gateway runs on: the Config, its upstream resolved (the emulator started, if asked). */
export type GatewayConfig = Omit<Config, "upstream"> & { upstream: BelvoUpstream };

export const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** From the standard OpenTelemetry settings (OTEL_*), plus TRACE_RESOLVERS. */
export interface TracingConfig {
  /** The OTLP/HTTP traces endpoint, whole (`…/v1/traces`). */
  tracesUrl: string;
  serviceName: string;
  sampler: SamplerName;
  /** For the ratio samplers: the share of traces kept, 0 to 1. */
  samplerRatio: number;
  /** One span per resolver call as well; off by default. */
  resolverSpans: boolean;
}

/** One sentinel's address. */
export interface SentinelAddress {
  host: string;
  port: number;
}

/** Redis behind Sentinel: where the sentinels are, and the name of the primary they watch. */
export interface RedisSentinelConfig {
  sentinels: SentinelAddress[];
  name: string;
}

/** A `redis://` or `rediss://` URL (it may hold a password: never quoted), or Sentinel's primary. */
export type RedisTarget = string | RedisSentinelConfig;

/** The Redis the settings name (src/redis-connection.ts connects to it), or null: none. */
export function redisTarget(
  config: Pick<Config, "redisUrl" | "redisSentinel">,
): RedisTarget | null {
  return config.redisSentinel ?? config.redisUrl;
}

/** The setting that named the target, for a message about it (never the URL itself). */
export function redisSetting(target: RedisTarget): "REDIS_URL" | "REDIS_SENTINELS" {
  return typeof target === "string" ? "REDIS_URL" : "REDIS_SENTINELS";
}

/** Idempotency-Key handling (see docs/idempotency.md). */
export interface IdempotencyConfig {
  /** How long a retry waits for the same request still running before a 409. */
  waitMs: number;
  /** How long an answer is kept (at least the longest MFA session seen). */
  ttlMs: number;
}

export const DEFAULT_IDEMPOTENCY: IdempotencyConfig = { waitMs: 25_000, ttlMs: 86_400_000 };

/** How long a kept idempotent answer is protected from making room (IDEMPOTENCY_YOUNG_MS). */
export const DEFAULT_YOUNG_MS = 10 * 60_000;

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`${setting}: ${problem}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === "" ? undefined : value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (raw !== "true" && raw !== "false") throw new ConfigError(name, 'expected "true" or "false".');
  return raw === "true";
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return Number(raw);
}

/** The explicit opt-in for the built-in emulator (also the default outside production). */
const EMULATOR = "emulator";

/**
 * The emulator answers any login with a VALID link: production never runs it, by default or by
 * request.
 */
function emulator(raw: string | undefined, production: boolean): UpstreamConfig {
  if (!production) return { kind: "emulator" };
  throw new ConfigError(
    "BELVO_URL",
    raw === undefined
      ? "required when NODE_ENV=production (sandbox, development, production or Belvo's URL); the built-in emulator runs only outside production."
      : "the built-in emulator is refused when NODE_ENV=production; set sandbox, development, production or Belvo's URL.",
  );
}

function upstream(env: Env, production: boolean): UpstreamConfig {
  const raw = read(env, "BELVO_URL");
  if (raw === undefined || raw === EMULATOR) return emulator(raw, production);
  const url = raw in BELVO_HOSTS ? BELVO_HOSTS[raw as keyof typeof BELVO_HOSTS] : raw;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      "BELVO_URL",
      `expected an http(s) URL or one of ${Object.keys(BELVO_HOSTS).join(", ")}.`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError("BELVO_URL", `expected an http or https URL, got "${parsed.protocol}".`);
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError(
      "BELVO_URL",
      "must not carry credentials; set BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
    );
  }
  if (parsed.search || parsed.hash) {
    throw new ConfigError("BELVO_URL", "must not carry a query string or fragment.");
  }
  const secretId = read(env, "BELVO_SECRET_ID");
  const secretPassword = read(env, "BELVO_SECRET_PASSWORD");
  for (const [name, value] of [
    ["BELVO_SECRET_ID", secretId],
    ["BELVO_SECRET_PASSWORD", secretPassword],
  ] as const) {
    if (value === undefined) {
      throw new ConfigError(
        name,
        production
          ? "required when BELVO_URL is set (your Belvo secret key pair)."
          : "required when BELVO_URL is set (your Belvo secret key pair); unset BELVO_URL to use the built-in sandbox emulator.",
      );
    }
  }
  return {
    kind: "belvo",
    url: parsed.origin + parsed.pathname.replace(/\/+$/, ""),
    secretId: secretId!,
    secretPassword: secretPassword!,
  };
}

function apiKeys(env: Env, production: boolean): string[] | null {
  const raw = read(env, "GATEWAY_API_KEYS");
  const allowAnonymous = read(env, "GATEWAY_ALLOW_ANONYMOUS");
  if (allowAnonymous !== undefined && allowAnonymous !== "true" && allowAnonymous !== "false") {
    throw new ConfigError("GATEWAY_ALLOW_ANONYMOUS", 'expected "true" or "false".');
  }
  if (raw === undefined) {
    if (production && allowAnonymous !== "true") {
      throw new ConfigError(
        "GATEWAY_API_KEYS",
        "required when NODE_ENV=production; set it, or set GATEWAY_ALLOW_ANONYMOUS=true to serve without client keys.",
      );
    }
    return null;
  }
  const keys = raw.split(",").map((key) => key.trim());
  const index = keys.findIndex((key) => !/^[\x21-\x7e]{16,}$/.test(key));
  if (index >= 0) {
    throw new ConfigError(
      "GATEWAY_API_KEYS",
      `key #${index + 1} must be at least 16 printable characters without spaces.`,
    );
  }
  return keys;
}

/**
 * `Authorization: Bearer <METRICS_TOKEN>` for /metrics. In production it is required (a scrape
 * costs milliseconds of CPU and bypasses the request rate), unless METRICS_PUBLIC=true says the
 * endpoint is reachable only from where it should be.
 */
function metricsToken(env: Env, production: boolean): string | null {
  const token = read(env, "METRICS_TOKEN") ?? null;
  if (token !== null && !/^[\x21-\x7e]{16,}$/.test(token)) {
    throw new ConfigError(
      "METRICS_TOKEN",
      "must be at least 16 printable characters without spaces.",
    );
  }
  if (flag(env, "METRICS_PUBLIC", false) || token !== null || !production) return token;
  throw new ConfigError(
    "METRICS_TOKEN",
    "required when NODE_ENV=production; set it (16+ characters, sent by the scraper as a Bearer token), or set METRICS_PUBLIC=true to serve /metrics to anyone who reaches it.",
  );
}

/** `ALLOWED_HOSTS`: names (or IP addresses) a request's `Host` may name, `*` for any (see edge/hosts.ts). */
function allowedHosts(env: Env): "*" | string[] | null {
  const raw = read(env, "ALLOWED_HOSTS");
  if (raw === undefined) return null;
  if (raw === "*") return "*";
  return raw.split(",").map((entry, index) => {
    const name = settingHostName(entry.trim());
    if (name === null) {
      throw new ConfigError(
        "ALLOWED_HOSTS",
        `entry #${index + 1} is not a host name or IP address such as api.example.com (no scheme, no port).`,
      );
    }
    return name;
  });
}

/**
 * `STORE_KEY_SECRET`: the key of the MAC under which guard counters and idempotency entries are
 * named in their store. Never quoted back.
 */
function storeKeySecret(env: Env): string | null {
  const secret = read(env, "STORE_KEY_SECRET") ?? null;
  if (secret !== null && !/^[\x21-\x7e]{32,}$/.test(secret)) {
    throw new ConfigError(
      "STORE_KEY_SECRET",
      "must be at least 32 printable characters without spaces (e.g. openssl rand -hex 32).",
    );
  }
  return secret;
}

/**
 * Outside production, pages served from this machine on any port: a developer's frontend, not
 * every website the developer visits (a local gateway holds real Belvo keys).
 */
export const LOOPBACK_ORIGINS: readonly string[] = [
  "http://localhost:*",
  "http://127.0.0.1:*",
  "http://[::1]:*",
];

/** The one place the default is decided: loopback outside production, none in production. */
export function defaultCorsOrigins(production: boolean): string[] {
  return production ? [] : [...LOOPBACK_ORIGINS];
}

/** An origin such as https://app.example.com, or one with `:*` for any port. */
function corsOrigin(entry: string): string {
  const origin = entry.trim();
  const anyPort = origin.endsWith(":*");
  const base = anyPort ? origin.slice(0, -2) : origin;
  let parsed: URL | undefined;
  try {
    parsed = new URL(base);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.origin !== base || (anyPort && parsed.port !== "")) {
    throw new ConfigError(
      "CORS_ORIGINS",
      `"${origin}" is not an origin such as https://app.example.com or http://localhost:* (no path, no trailing slash).`,
    );
  }
  return origin;
}

/** CORS_ORIGINS is exactly the list in production; outside it, it widens the loopback default. */
function corsOrigins(env: Env, production: boolean): "*" | string[] {
  const raw = read(env, "CORS_ORIGINS");
  if (raw === undefined) return defaultCorsOrigins(production);
  if (raw === "*") return "*";
  const listed = raw.split(",").map(corsOrigin);
  return [...new Set([...defaultCorsOrigins(production), ...listed])];
}

function redisUrl(env: Env): string | null {
  const raw = read(env, "REDIS_URL");
  if (raw === undefined) return null;
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) {
    throw new ConfigError("REDIS_URL", "expected a redis:// or rediss:// URL.");
  }
  return raw;
}

/** One `host:port` of REDIS_SENTINELS (an IPv6 address in brackets: `[::1]:26379`). */
function sentinelAddress(entry: string, index: number): SentinelAddress {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+):(\d{1,5})$/i.exec(entry.trim());
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
    throw new ConfigError(
      "REDIS_SENTINELS",
      `entry #${index + 1} is not host:port such as sentinel-a:26379.`,
    );
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port: Number(match[2]) };
}

/**
 * REDIS_SENTINELS (`host:port,host:port`) with REDIS_SENTINEL_NAME, the primary's name: Redis
 * through Sentinel. Either one alone, or both with REDIS_URL, is refused (which Redis is meant?).
 */
function redisSentinel(env: Env): RedisSentinelConfig | null {
  const raw = read(env, "REDIS_SENTINELS");
  const name = read(env, "REDIS_SENTINEL_NAME");
  if (raw === undefined && name === undefined) return null;
  if (raw === undefined) {
    throw new ConfigError(
      "REDIS_SENTINELS",
      "required with REDIS_SENTINEL_NAME (host:port,host:port).",
    );
  }
  if (name === undefined) {
    throw new ConfigError(
      "REDIS_SENTINEL_NAME",
      "required with REDIS_SENTINELS: the name the sentinels know the primary by (e.g. mymaster).",
    );
  }
  if (read(env, "REDIS_URL") !== undefined) {
    throw new ConfigError("REDIS_SENTINELS", "set either REDIS_URL or REDIS_SENTINELS, not both.");
  }
  if (!/^[\x21-\x7e]+$/.test(name)) {
    throw new ConfigError("REDIS_SENTINEL_NAME", "expected a name without spaces.");
  }
  return { sentinels: raw.split(",").map(sentinelAddress), name };
}

function otlpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, "expected an http(s) URL such as http://127.0.0.1:4318.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(name, `expected an http or https URL, got "${url.protocol}".`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      name,
      "must not carry credentials; send them with OTEL_EXPORTER_OTLP_HEADERS.",
    );
  }
  return url;
}

/**
 * On when an OTLP endpoint is set, as the OpenTelemetry SDKs do, unless OTEL_SDK_DISABLED=true
 * or OTEL_TRACES_EXPORTER=none. Only OTLP over HTTP is exported.
 */
function tracing(env: Env): TracingConfig | null {
  const traces = read(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const base = read(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const exporter = read(env, "OTEL_TRACES_EXPORTER");
  if (exporter !== undefined && exporter !== "otlp" && exporter !== "none") {
    throw new ConfigError("OTEL_TRACES_EXPORTER", 'expected "otlp" or "none".');
  }
  if (flag(env, "OTEL_SDK_DISABLED", false) || exporter === "none") return null;
  if (traces === undefined && base === undefined) return null;
  for (const name of ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    if (read(env, name) === "grpc") {
      throw new ConfigError(name, "the gateway exports OTLP over HTTP; use port 4318, not grpc.");
    }
  }
  // The base endpoint gets the signal's path; the per-signal one is used as it is (the spec).
  const tracesUrl =
    traces !== undefined
      ? otlpUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces).href
      : new URL(
          "v1/traces",
          otlpUrl("OTEL_EXPORTER_OTLP_ENDPOINT", base!).href.replace(/\/?$/, "/"),
        ).href;
  const sampler = read(env, "OTEL_TRACES_SAMPLER") ?? "parentbased_always_on";
  if (!(SAMPLERS as readonly string[]).includes(sampler)) {
    throw new ConfigError("OTEL_TRACES_SAMPLER", `expected one of ${SAMPLERS.join(", ")}.`);
  }
  const ratio = read(env, "OTEL_TRACES_SAMPLER_ARG") ?? "1";
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(ratio)) {
    throw new ConfigError(
      "OTEL_TRACES_SAMPLER_ARG",
      `expected a ratio from 0 to 1, got "${ratio}".`,
    );
  }
  return {
    tracesUrl,
    serviceName: read(env, "OTEL_SERVICE_NAME") ?? "belvo-graphql-gateway",
    sampler: sampler as SamplerName,
    samplerRatio: Number(ratio),
    resolverSpans: flag(env, "TRACE_RESOLVERS", false),
  };
}

/** BELVO_WEBHOOK_SECRET: 16+ printable characters; a shorter one stops start-up. */
function webhookSecret(env: Env): string | null {
  const secret = read(env, "BELVO_WEBHOOK_SECRET") ?? null;
  if (secret !== null && !/^[\x21-\x7e]{16,}$/.test(secret)) {
    throw new ConfigError(
      "BELVO_WEBHOOK_SECRET",
      "must be at least 16 printable characters without spaces (e.g. openssl rand -hex 24).",
    );
  }
  return secret;
}

function events(env: Env): EventsConfig {
  const d = DEFAULT_EVENTS;
  return {
    webhookSecret: webhookSecret(env),
    keepCount: integer(env, "EVENTS_KEEP_COUNT", d.keepCount, 1_000, 1_000_000),
    keepMs: integer(env, "EVENTS_KEEP_MS", d.keepMs, 86_400_000, 30 * 86_400_000),
    maxPerLink: integer(env, "EVENTS_MAX_PER_LINK", d.maxPerLink, 1_000, 10_000_000),
    perConnection: integer(env, "SUBSCRIPTIONS_PER_CONNECTION", d.perConnection, 1, 1_000),
    perClient: integer(env, "SUBSCRIPTIONS_PER_CLIENT", d.perClient, 1, 1_000_000),
    subscriberBuffer: integer(env, "SUBSCRIBER_BUFFER_EVENTS", d.subscriberBuffer, 1, 100_000),
    subscriberBufferBytes: integer(
      env,
      "SUBSCRIBER_BUFFER_BYTES",
      d.subscriberBufferBytes,
      65_536,
      1024 * 1024 * 1024,
    ),
    keepAliveMs: integer(env, "SUBSCRIPTION_KEEP_ALIVE_MS", d.keepAliveMs, 1_000, 600_000),
  };
}

function limits(env: Env): Limits {
  const rate = read(env, "RATE_LIMIT_PER_MINUTE");
  return {
    maxDepth: integer(env, "MAX_QUERY_DEPTH", DEFAULT_LIMITS.maxDepth, 2, 100),
    maxAliases: integer(env, "MAX_ALIASES", DEFAULT_LIMITS.maxAliases, 0, 1_000),
    maxTokens: integer(env, "MAX_TOKENS", DEFAULT_LIMITS.maxTokens, 100, 100_000),
    maxCost: integer(env, "MAX_COST", DEFAULT_LIMITS.maxCost, 10, 100_000),
    maxUpstreamCost: integer(
      env,
      "MAX_UPSTREAM_COST",
      DEFAULT_LIMITS.maxUpstreamCost,
      1,
      1_000_000,
    ),
    maxDirectives: integer(env, "MAX_DIRECTIVES", DEFAULT_LIMITS.maxDirectives, 0, 1_000),
    maxBodyBytes: integer(
      env,
      "MAX_BODY_BYTES",
      DEFAULT_LIMITS.maxBodyBytes,
      1_024,
      100 * 1024 * 1024,
    ),
    maxDocumentBytes: integer(
      env,
      "MAX_DOCUMENT_BYTES",
      DEFAULT_LIMITS.maxDocumentBytes,
      1_024,
      10 * 1024 * 1024,
    ),
    maxResponseBytes: integer(
      env,
      "BELVO_MAX_RESPONSE_BYTES",
      DEFAULT_LIMITS.maxResponseBytes,
      1_024,
      1024 * 1024 * 1024,
    ),
    mfaMaxFailures: integer(
      env,
      "MFA_MAX_FAILED_ATTEMPTS",
      DEFAULT_LIMITS.mfaMaxFailures,
      1,
      1_000,
    ),
    mfaWindowMs: integer(
      env,
      "MFA_ATTEMPT_WINDOW_MS",
      DEFAULT_LIMITS.mfaWindowMs,
      1_000,
      86_400_000,
    ),
    loginMaxFailures: integer(
      env,
      "LOGIN_MAX_FAILED_ATTEMPTS",
      DEFAULT_LIMITS.loginMaxFailures,
      1,
      1_000,
    ),
    loginWindowMs: integer(
      env,
      "LOGIN_ATTEMPT_WINDOW_MS",
      DEFAULT_LIMITS.loginWindowMs,
      1_000,
      86_400_000,
    ),
    ratePerMinute:
      rate === undefined ? null : integer(env, "RATE_LIMIT_PER_MINUTE", 0, 1, 1_000_000),
    maxListPages: integer(env, "BELVO_MAX_LIST_PAGES", DEFAULT_LIMITS.maxListPages, 1, 10_000),
  };
}

function httpLimits(env: Env): HttpLimits {
  const requestTimeoutMs = integer(
    env,
    "HTTP_REQUEST_TIMEOUT_MS",
    DEFAULT_HTTP_LIMITS.requestTimeoutMs,
    100,
    3_600_000,
  );
  const headersTimeoutMs = integer(
    env,
    "HTTP_HEADERS_TIMEOUT_MS",
    Math.min(DEFAULT_HTTP_LIMITS.headersTimeoutMs, requestTimeoutMs),
    100,
    3_600_000,
  );
  // Node refuses a headers timeout longer than the whole request's.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      "HTTP_HEADERS_TIMEOUT_MS",
      `must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}).`,
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(
      env,
      "HTTP_KEEP_ALIVE_TIMEOUT_MS",
      DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs,
      0,
      600_000,
    ),
    maxConnections: integer(
      env,
      "MAX_CONNECTIONS",
      DEFAULT_HTTP_LIMITS.maxConnections,
      1,
      1_000_000,
    ),
  };
}

/** Every setting but the upstream (which gatewayConfig is given resolved). */
function settings(env: Env): Omit<Config, "upstream"> {
  const production = read(env, "NODE_ENV") === "production";
  const logLevel = read(env, "LOG_LEVEL") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      "LOG_LEVEL",
      `expected one of ${LOG_LEVELS.join(", ")}; got "${logLevel}".`,
    );
  }
  const timeoutMs = integer(env, "BELVO_TIMEOUT_MS", 330_000, 1, 3_600_000);
  return {
    port: integer(env, "PORT", 4000, 0, 65535),
    host: read(env, "HOST") ?? "127.0.0.1",
    production,
    timeoutMs,
    linkStatusLookupMs: integer(env, "LINK_STATUS_LOOKUP_MS", 3_000, 1, 60_000),
    apiKeys: apiKeys(env, production),
    metricsToken: metricsToken(env, production),
    allowedHosts: allowedHosts(env),
    storeKeySecret: storeKeySecret(env),
    // By default a resume in flight may run to its own deadline before the process exits.
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", timeoutMs + 5_000, 0, 3_600_000),
    logLevel: logLevel as LogLevel,
    limits: limits(env),
    http: httpLimits(env),
    corsOrigins: corsOrigins(env, production),
    redisUrl: redisUrl(env),
    redisSentinel: redisSentinel(env),
    trustProxyRequestId: flag(env, "TRUST_PROXY_REQUEST_ID", false),
    trustedDocuments: read(env, "TRUSTED_DOCUMENTS") ?? null,
    redisCommandTimeoutMs: integer(env, "REDIS_COMMAND_TIMEOUT_MS", 1_000, 10, 60_000),
    redisConnectTimeoutMs: integer(env, "REDIS_CONNECT_TIMEOUT_MS", 3_000, 10, 60_000),
    idempotencyRedisScopeBytes: integer(
      env,
      "IDEMPOTENCY_REDIS_SCOPE_BYTES",
      64 * 1024 * 1024,
      65_536,
      2 ** 40,
    ),
    idempotencyYoungMs: integer(env, "IDEMPOTENCY_YOUNG_MS", DEFAULT_YOUNG_MS, 1_000, 86_400_000),
    tracing: tracing(env),
    events: events(env),
    idempotency: {
      waitMs: integer(env, "IDEMPOTENCY_WAIT_MS", DEFAULT_IDEMPOTENCY.waitMs, 0, 600_000),
      ttlMs: integer(env, "IDEMPOTENCY_TTL_MS", DEFAULT_IDEMPOTENCY.ttlMs, 60_000, 30 * 86_400_000),
    },
  };
}

export function loadConfig(env: Env = process.env): Config {
  const parsed = settings(env);
  return { ...parsed, upstream: upstream(env, parsed.production) };
}

/** `npm run demo:web`'s settings: another gateway to talk to (else it starts a local one). */
export interface WebDemoConfig {
  gatewayUrl: string | undefined;
  apiKey: string | undefined;
}

export function loadWebDemoConfig(env: Env = process.env): WebDemoConfig {
  return { gatewayUrl: read(env, "GATEWAY_URL"), apiKey: read(env, "GATEWAY_API_KEY") };
}

/**
 * The config of a gateway in front of `upstream`, every other setting from `env` as at start-up
 * (tests and the demos build theirs here, through the same parser).
 */
export function gatewayConfig(upstream: BelvoUpstream, env: Env = {}): GatewayConfig {
  return { ...settings(env), upstream };
}
