import {
  ConfigError,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_LIMITS,
  LOOPBACK_ORIGINS,
  gatewayConfig,
  loadConfig,
  loadWebDemoConfig,
  redisSetting,
  redisTarget,
} from "../src/config.js";

const KEYS = { GATEWAY_API_KEYS: "client-key-00000000001" };
/** What production needs besides client keys: Belvo itself, and a guarded /metrics. */
const PRODUCTION = {
  NODE_ENV: "production",
  BELVO_URL: "sandbox",
  BELVO_SECRET_ID: "id-1234",
  BELVO_SECRET_PASSWORD: "pw-5678",
  METRICS_TOKEN: "metrics-token-000000001",
};

const BELVO = {
  BELVO_URL: "sandbox",
  BELVO_SECRET_ID: "id-1234",
  BELVO_SECRET_PASSWORD: "pw-5678",
};

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected loadConfig to refuse");
}

it("defaults to the built-in emulator on 127.0.0.1:4000", () => {
  expect(loadConfig({})).toEqual({
    port: 4000,
    host: "127.0.0.1",
    production: false,
    upstream: { kind: "emulator" },
    timeoutMs: 330_000,
    linkStatusLookupMs: 3_000,
    apiKeys: null,
    metricsToken: null,
    allowedHosts: null,
    storeKeySecret: null,
    shutdownGraceMs: 335_000,
    logLevel: "info",
    limits: DEFAULT_LIMITS,
    http: DEFAULT_HTTP_LIMITS,
    corsOrigins: ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"],
    redisUrl: null,
    redisSentinel: null,
    trustProxyRequestId: false,
    trustedDocuments: null,
    redisCommandTimeoutMs: 1_000,
    redisConnectTimeoutMs: 3_000,
    idempotencyRedisScopeBytes: 67_108_864,
    idempotencyYoungMs: 600_000,
    tracing: null,
    idempotency: { waitMs: 25_000, ttlMs: 86_400_000 },
    events: {
      webhookSecret: null,
      keepCount: 1_000,
      keepMs: 86_400_000,
      maxPerLink: 100_000,
      perConnection: 20,
      perClient: 100,
      subscriberBuffer: 100,
      subscriberBufferBytes: 1_048_576,
      keepAliveMs: 15_000,
    },
  });
});

it.each([
  ["sandbox", "https://sandbox.belvo.com"],
  ["development", "https://development.belvo.com"],
  ["production", "https://api.belvo.com"],
  ["http://127.0.0.1:8000/", "http://127.0.0.1:8000"],
  ["https://proxy.example/belvo/", "https://proxy.example/belvo"],
])("BELVO_URL=%s means %s", (raw, url) => {
  expect(loadConfig({ ...BELVO, BELVO_URL: raw }).upstream).toEqual({
    kind: "belvo",
    url,
    secretId: "id-1234",
    secretPassword: "pw-5678",
  });
});

it.each<[string, Record<string, string>, string]>([
  [
    "a port out of range",
    { PORT: "70000" },
    'PORT: expected a whole number from 0 to 65535, got "70000".',
  ],
  [
    "a non-numeric timeout",
    { BELVO_TIMEOUT_MS: "5s" },
    'BELVO_TIMEOUT_MS: expected a whole number from 1 to 3600000, got "5s".',
  ],
  [
    "no time for the link-status lookup",
    { LINK_STATUS_LOOKUP_MS: "0" },
    'LINK_STATUS_LOOKUP_MS: expected a whole number from 1 to 60000, got "0".',
  ],
  [
    "an unknown log level",
    { LOG_LEVEL: "loud" },
    'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent; got "loud".',
  ],
  [
    "a BELVO_URL that is not a URL",
    { ...BELVO, BELVO_URL: "staging" },
    "BELVO_URL: expected an http(s) URL or one of sandbox, development, production.",
  ],
  [
    "a BELVO_URL with another scheme",
    { ...BELVO, BELVO_URL: "ftp://belvo" },
    'BELVO_URL: expected an http or https URL, got "ftp:".',
  ],
  [
    "BELVO_URL without a secret id",
    { BELVO_URL: "sandbox", BELVO_SECRET_PASSWORD: "pw" },
    "BELVO_SECRET_ID: required when BELVO_URL is set (your Belvo secret key pair); unset BELVO_URL to use the built-in sandbox emulator.",
  ],
  [
    "BELVO_URL without a secret password",
    { BELVO_URL: "sandbox", BELVO_SECRET_ID: "id" },
    "BELVO_SECRET_PASSWORD: required when BELVO_URL is set (your Belvo secret key pair); unset BELVO_URL to use the built-in sandbox emulator.",
  ],
  [
    "production without client keys",
    { NODE_ENV: "production" },
    "GATEWAY_API_KEYS: required when NODE_ENV=production; set it, or set GATEWAY_ALLOW_ANONYMOUS=true to serve without client keys.",
  ],
  [
    "a short client key",
    { GATEWAY_API_KEYS: "long-enough-key-0001,short" },
    "GATEWAY_API_KEYS: key #2 must be at least 16 printable characters without spaces.",
  ],
  [
    "a zero Redis command deadline",
    { REDIS_COMMAND_TIMEOUT_MS: "0" },
    'REDIS_COMMAND_TIMEOUT_MS: expected a whole number from 10 to 60000, got "0".',
  ],
  [
    "a Redis answer budget below 64 KiB",
    { IDEMPOTENCY_REDIS_SCOPE_BYTES: "1000" },
    'IDEMPOTENCY_REDIS_SCOPE_BYTES: expected a whole number from 65536 to 1099511627776, got "1000".',
  ],
  [
    "a login cap of zero",
    { LOGIN_MAX_FAILED_ATTEMPTS: "0" },
    'LOGIN_MAX_FAILED_ATTEMPTS: expected a whole number from 1 to 1000, got "0".',
  ],
])("refuses %s with one line naming the setting", (_case, env, message) => {
  expect(failure(env)).toBe(message);
});

it("reads the guard settings", () => {
  const config = loadConfig({
    LOGIN_MAX_FAILED_ATTEMPTS: "3",
    LOGIN_ATTEMPT_WINDOW_MS: "60000",
    MAX_DIRECTIVES: "5",
    REDIS_COMMAND_TIMEOUT_MS: "250",
    REDIS_CONNECT_TIMEOUT_MS: "2000",
    IDEMPOTENCY_REDIS_SCOPE_BYTES: "1048576",
    IDEMPOTENCY_YOUNG_MS: "1000",
  });
  expect(config.limits).toMatchObject({
    loginMaxFailures: 3,
    loginWindowMs: 60_000,
    maxDirectives: 5,
  });
  expect(config).toMatchObject({
    redisCommandTimeoutMs: 250,
    redisConnectTimeoutMs: 2_000,
    idempotencyRedisScopeBytes: 1_048_576,
    idempotencyYoungMs: 1_000,
  });
});

it("REDIS_SENTINELS with REDIS_SENTINEL_NAME: Redis through Sentinel, instead of REDIS_URL", () => {
  const config = loadConfig({
    REDIS_SENTINELS: "sentinel-a:26379, 10.0.0.7:26380,[::1]:26381",
    REDIS_SENTINEL_NAME: "mymaster",
  });
  const sentinel = {
    sentinels: [
      { host: "sentinel-a", port: 26379 },
      { host: "10.0.0.7", port: 26380 },
      { host: "::1", port: 26381 },
    ],
    name: "mymaster",
  };
  expect(config).toMatchObject({ redisUrl: null, redisSentinel: sentinel });
  expect(redisTarget(config)).toEqual(sentinel);
  expect(redisSetting(sentinel)).toBe("REDIS_SENTINELS");
  const byUrl = loadConfig({ REDIS_URL: "redis://:secret@redis:6379" });
  expect(redisTarget(byUrl)).toBe("redis://:secret@redis:6379");
  expect(redisSetting(redisTarget(byUrl)!)).toBe("REDIS_URL");
  expect(redisTarget(loadConfig({}))).toBeNull();
});

it.each<[string, Record<string, string>, string]>([
  [
    "sentinels without the primary's name",
    { REDIS_SENTINELS: "sentinel-a:26379" },
    "REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the name the sentinels know the primary by (e.g. mymaster).",
  ],
  [
    "a primary's name without sentinels",
    { REDIS_SENTINEL_NAME: "mymaster" },
    "REDIS_SENTINELS: required with REDIS_SENTINEL_NAME (host:port,host:port).",
  ],
  [
    "both REDIS_URL and sentinels",
    { REDIS_URL: "redis://redis:6379", REDIS_SENTINELS: "a:26379", REDIS_SENTINEL_NAME: "m" },
    "REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both.",
  ],
  [
    "a sentinel without a port",
    { REDIS_SENTINELS: "a:26379,b", REDIS_SENTINEL_NAME: "m" },
    "REDIS_SENTINELS: entry #2 is not host:port such as sentinel-a:26379.",
  ],
  [
    "a sentinel port out of range",
    { REDIS_SENTINELS: "a:70000", REDIS_SENTINEL_NAME: "m" },
    "REDIS_SENTINELS: entry #1 is not host:port such as sentinel-a:26379.",
  ],
  [
    "a sentinel given as a URL",
    { REDIS_SENTINELS: "redis://a:26379", REDIS_SENTINEL_NAME: "m" },
    "REDIS_SENTINELS: entry #1 is not host:port such as sentinel-a:26379.",
  ],
  [
    "a primary's name with a space",
    { REDIS_SENTINELS: "a:26379", REDIS_SENTINEL_NAME: "my master" },
    "REDIS_SENTINEL_NAME: expected a name without spaces.",
  ],
])("refuses %s, naming the setting", (_case, env, message) => {
  expect(failure(env)).toBe(message);
});

it("the shutdown grace follows BELVO_TIMEOUT_MS unless set", () => {
  expect(loadConfig({ BELVO_TIMEOUT_MS: "1000" }).shutdownGraceMs).toBe(6000);
  expect(loadConfig({ BELVO_TIMEOUT_MS: "1000", SHUTDOWN_GRACE_MS: "0" }).shutdownGraceMs).toBe(0);
});

it("never repeats a secret in its messages", () => {
  const message = failure({
    BELVO_URL: "https://user:hunter2-secret@belvo.example",
    BELVO_SECRET_ID: "a",
    BELVO_SECRET_PASSWORD: "b",
  });
  expect(message).toBe(
    "BELVO_URL: must not carry credentials; set BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
  );
  expect(failure({ GATEWAY_API_KEYS: "tiny-secret" })).not.toContain("tiny-secret");
});

it("production runs anonymous only when GATEWAY_ALLOW_ANONYMOUS=true", () => {
  expect(loadConfig({ ...PRODUCTION, GATEWAY_ALLOW_ANONYMOUS: "true" })).toMatchObject({
    production: true,
    apiKeys: null,
  });
  expect(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: "k".repeat(16) })).toMatchObject({
    apiKeys: ["k".repeat(16)],
  });
});

describe("the emulator (BELVO_URL unset, or BELVO_URL=emulator)", () => {
  it("runs outside production, by default or when asked", () => {
    expect(loadConfig({}).upstream).toEqual({ kind: "emulator" });
    expect(loadConfig({ BELVO_URL: "emulator" }).upstream).toEqual({ kind: "emulator" });
  });

  it("never in production: BELVO_URL is required there, and the emulator refused", () => {
    const { BELVO_URL: _url, ...withoutBelvo } = { ...PRODUCTION, ...KEYS };
    expect(failure(withoutBelvo)).toBe(
      "BELVO_URL: required when NODE_ENV=production (sandbox, development, production or Belvo's URL); the built-in emulator runs only outside production.",
    );
    expect(failure({ ...withoutBelvo, BELVO_URL: "emulator" })).toBe(
      "BELVO_URL: the built-in emulator is refused when NODE_ENV=production; set sandbox, development, production or Belvo's URL.",
    );
    const { BELVO_SECRET_ID: _id, ...withoutId } = { ...PRODUCTION, ...KEYS };
    expect(failure(withoutId)).toBe(
      "BELVO_SECRET_ID: required when BELVO_URL is set (your Belvo secret key pair).",
    );
  });
});

describe("METRICS_TOKEN", () => {
  it("is optional outside production", () => {
    expect(loadConfig({}).metricsToken).toBeNull();
  });

  it("is required in production, unless METRICS_PUBLIC=true", () => {
    const { METRICS_TOKEN: token, ...withoutToken } = { ...PRODUCTION, ...KEYS };
    expect(failure(withoutToken)).toBe(
      "METRICS_TOKEN: required when NODE_ENV=production; set it (16+ characters, sent by the scraper as a Bearer token), or set METRICS_PUBLIC=true to serve /metrics to anyone who reaches it.",
    );
    expect(failure({ ...withoutToken, METRICS_PUBLIC: "false" })).toMatch(
      /^METRICS_TOKEN: required/,
    );
    expect(loadConfig({ ...withoutToken, METRICS_PUBLIC: "true" }).metricsToken).toBeNull();
    expect(loadConfig({ ...withoutToken, METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(failure({ ...withoutToken, METRICS_PUBLIC: "yes" })).toBe(
      'METRICS_PUBLIC: expected "true" or "false".',
    );
  });

  it("refuses a short token without quoting it", () => {
    expect(failure({ METRICS_TOKEN: "tiny-metrics" })).toBe(
      "METRICS_TOKEN: must be at least 16 printable characters without spaces.",
    );
  });
});

describe("ALLOWED_HOSTS", () => {
  it("reads names and IP addresses, canonical, and * for any", () => {
    expect(
      loadConfig({
        ALLOWED_HOSTS: "API.example.com, 10.0.0.5,::1,[fd00:0::7], 2130706433,gateway_1",
      }).allowedHosts,
    ).toEqual(["api.example.com", "10.0.0.5", "[::1]", "[fd00::7]", "127.0.0.1", "gateway_1"]);
    expect(loadConfig({ ALLOWED_HOSTS: "*" }).allowedHosts).toBe("*");
  });

  it.each(["https://api.example.com", "api.example.com:443", "a b", "api.example.com/x", "user@h"])(
    "refuses %j, naming the entry's place",
    (entry) => {
      expect(failure({ ALLOWED_HOSTS: `ok.example,${entry}` })).toBe(
        "ALLOWED_HOSTS: entry #2 is not a host name or IP address such as api.example.com (no scheme, no port).",
      );
    },
  );
});

it("STORE_KEY_SECRET is 32+ printable characters, never quoted back", () => {
  const secret = "s".repeat(32);
  expect(loadConfig({ STORE_KEY_SECRET: secret }).storeKeySecret).toBe(secret);
  const message = failure({ STORE_KEY_SECRET: "short-store-secret" });
  expect(message).toBe(
    "STORE_KEY_SECRET: must be at least 32 printable characters without spaces (e.g. openssl rand -hex 32).",
  );
});

it("reads the HTTP server's timeouts and connection cap", () => {
  expect(
    loadConfig({
      HTTP_HEADERS_TIMEOUT_MS: "2000",
      HTTP_REQUEST_TIMEOUT_MS: "4000",
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "0",
      MAX_CONNECTIONS: "50",
    }).http,
  ).toEqual({
    headersTimeoutMs: 2_000,
    requestTimeoutMs: 4_000,
    keepAliveTimeoutMs: 0,
    maxConnections: 50,
  });
  expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: "3000" }).http.headersTimeoutMs).toBe(3_000);
  expect(failure({ HTTP_HEADERS_TIMEOUT_MS: "5000", HTTP_REQUEST_TIMEOUT_MS: "4000" })).toBe(
    "HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS (4000).",
  );
  expect(failure({ MAX_CONNECTIONS: "0" })).toBe(
    'MAX_CONNECTIONS: expected a whole number from 1 to 1000000, got "0".',
  );
});

it("TRUST_PROXY_REQUEST_ID is true or false", () => {
  expect(loadConfig({ TRUST_PROXY_REQUEST_ID: "true" }).trustProxyRequestId).toBe(true);
  expect(failure({ TRUST_PROXY_REQUEST_ID: "yes" })).toBe(
    'TRUST_PROXY_REQUEST_ID: expected "true" or "false".',
  );
});

describe("CORS_ORIGINS", () => {
  it("outside production defaults to loopback origins, and widens them when set", () => {
    expect(loadConfig({}).corsOrigins).toEqual(LOOPBACK_ORIGINS);
    expect(loadConfig({ CORS_ORIGINS: "https://app.example.com" }).corsOrigins).toEqual([
      ...LOOPBACK_ORIGINS,
      "https://app.example.com",
    ]);
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
  });

  it("in production defaults to none, and is exactly the list when set", () => {
    const production = { ...PRODUCTION, GATEWAY_ALLOW_ANONYMOUS: "true" };
    expect(loadConfig(production).corsOrigins).toEqual([]);
    expect(
      loadConfig({ ...production, CORS_ORIGINS: "https://app.example.com, http://10.0.0.5:*" })
        .corsOrigins,
    ).toEqual(["https://app.example.com", "http://10.0.0.5:*"]);
  });

  it.each([
    "https://app.example.com/",
    "app.example.com",
    "https://a.example:8080:*",
    "*.example.com",
  ])("refuses %s", (entry) => {
    expect(failure({ CORS_ORIGINS: entry })).toBe(
      `CORS_ORIGINS: "${entry}" is not an origin such as https://app.example.com or http://localhost:* (no path, no trailing slash).`,
    );
  });
});

describe("tracing (the standard OpenTelemetry settings)", () => {
  it("is off without an OTLP endpoint, and when OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none say so", () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: "gw", OTEL_TRACES_SAMPLER: "always_on" }).tracing).toBe(
      null,
    );
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: "true" }).tracing).toBe(null);
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }).tracing).toBe(null);
  });

  it("is on with an endpoint: the base one gets /v1/traces, the per-signal one is used as given", () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracing).toEqual({
      tracesUrl: "http://collector:4318/v1/traces",
      serviceName: "belvo-graphql-gateway",
      sampler: "parentbased_always_on",
      samplerRatio: 1,
      resolverSpans: false,
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com/otlp/" }).tracing
        ?.tracesUrl,
    ).toBe("https://otel.example.com/otlp/v1/traces");
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://tempo:4318/custom",
        OTEL_SERVICE_NAME: "gateway-eu",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0.1",
        TRACE_RESOLVERS: "true",
      }).tracing,
    ).toEqual({
      tracesUrl: "http://tempo:4318/custom",
      serviceName: "gateway-eu",
      sampler: "parentbased_traceidratio",
      samplerRatio: 0.1,
      resolverSpans: true,
    });
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: "jaeger_remote" }, /^OTEL_TRACES_SAMPLER: expected one of always_on/],
    [{ OTEL_TRACES_SAMPLER_ARG: "1.5" }, /^OTEL_TRACES_SAMPLER_ARG: expected a ratio from 0 to 1/],
    [{ OTEL_TRACES_SAMPLER_ARG: "ten" }, /^OTEL_TRACES_SAMPLER_ARG: expected a ratio/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, /^OTEL_EXPORTER_OTLP_PROTOCOL: .*HTTP/],
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, /^OTEL_TRACES_EXPORTER: expected "otlp" or "none"/],
    [{ TRACE_RESOLVERS: "yes" }, /^TRACE_RESOLVERS: expected "true" or "false"/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /^OTEL_EXPORTER_OTLP_ENDPOINT: expected/],
  ])("refuses %j", (env, message) => {
    expect(failure({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", ...env })).toMatch(
      message,
    );
  });

  it("refuses credentials in the endpoint, without quoting them", () => {
    const message = failure({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:s3cr3tpw@otel.example" });
    expect(message).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: must not carry credentials/);
    expect(message).not.toContain("s3cr3tpw");
  });
});

it("reads the idempotency settings, and names the one that is wrong", () => {
  expect(
    loadConfig({ IDEMPOTENCY_WAIT_MS: "5000", IDEMPOTENCY_TTL_MS: "3600000" }).idempotency,
  ).toEqual({ waitMs: 5_000, ttlMs: 3_600_000 });
  expect(failure({ IDEMPOTENCY_WAIT_MS: "soon" })).toMatch(/^IDEMPOTENCY_WAIT_MS: /);
  expect(failure({ IDEMPOTENCY_TTL_MS: "1000" })).toMatch(/^IDEMPOTENCY_TTL_MS: .*60000/);
});

it("builds a gateway's config through the same parser, its upstream resolved", () => {
  const upstream = {
    kind: "belvo",
    url: "http://127.0.0.1:9",
    secretId: "id-1234",
    secretPassword: "pw-5678",
  } as const;
  const { upstream: _parsed, ...parsed } = loadConfig({ ...PRODUCTION, ...KEYS });
  // BELVO_URL is not read: the upstream is given.
  const { BELVO_URL: _url, ...withoutBelvo } = { ...PRODUCTION, ...KEYS };
  expect(gatewayConfig(upstream, withoutBelvo)).toEqual({ ...parsed, upstream });
  expect(() => gatewayConfig(upstream, { NODE_ENV: "production" })).toThrow(/^GATEWAY_API_KEYS: /);
});

it("reads the web demo's settings here, an empty one as unset", () => {
  expect(loadWebDemoConfig({})).toEqual({ gatewayUrl: undefined, apiKey: undefined });
  expect(
    loadWebDemoConfig({ GATEWAY_URL: " http://127.0.0.1:4000/graphql ", GATEWAY_API_KEY: "" }),
  ).toEqual({ gatewayUrl: "http://127.0.0.1:4000/graphql", apiKey: undefined });
});
