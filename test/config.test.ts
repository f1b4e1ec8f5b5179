import { ConfigError, DEFAULT_LIMITS, loadConfig } from "../src/config.js";

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
    apiKeys: null,
    metricsToken: null,
    shutdownGraceMs: 335_000,
    logLevel: "info",
    limits: DEFAULT_LIMITS,
    corsOrigins: "*",
    redisUrl: null,
    idempotency: { waitMs: 25_000, ttlMs: 86_400_000 },
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
])("refuses %s with one line naming the setting", (_case, env, message) => {
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
  expect(loadConfig({ NODE_ENV: "production", GATEWAY_ALLOW_ANONYMOUS: "true" })).toMatchObject({
    production: true,
    apiKeys: null,
  });
  expect(loadConfig({ NODE_ENV: "production", GATEWAY_API_KEYS: "k".repeat(16) })).toMatchObject({
    apiKeys: ["k".repeat(16)],
  });
});

it("reads the idempotency settings, and names the one that is wrong", () => {
  expect(
    loadConfig({ IDEMPOTENCY_WAIT_MS: "5000", IDEMPOTENCY_TTL_MS: "3600000" }).idempotency,
  ).toEqual({ waitMs: 5_000, ttlMs: 3_600_000 });
  expect(failure({ IDEMPOTENCY_WAIT_MS: "soon" })).toMatch(/^IDEMPOTENCY_WAIT_MS: /);
  expect(failure({ IDEMPOTENCY_TTL_MS: "1000" })).toMatch(/^IDEMPOTENCY_TTL_MS: .*60000/);
});
