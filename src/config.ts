/** The only module that reads process.env. Every problem is one line naming the setting. */

export const BELVO_HOSTS = {
  sandbox: "https://sandbox.belvo.com",
  development: "https://development.belvo.com",
  production: "https://api.belvo.com",
} as const;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type UpstreamConfig =
  { kind: "emulator" } | { kind: "belvo"; url: string; secretId: string; secretPassword: string };

/** What one request may ask of the gateway; each is a setting (see the README). */
export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxBodyBytes: number;
  maxResponseBytes: number;
  /** Failed MFA resumes allowed per link per window. */
  mfaMaxFailures: number;
  mfaWindowMs: number;
  /** Requests per minute per client key (or per address without keys); null: no limit. */
  ratePerMinute: number | null;
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 2_000,
  maxCost: 500,
  maxBodyBytes: 1024 * 1024,
  maxResponseBytes: 10 * 1024 * 1024,
  mfaMaxFailures: 5,
  mfaWindowMs: 10 * 60_000,
  ratePerMinute: null,
};

export interface Config {
  port: number;
  host: string;
  production: boolean;
  upstream: UpstreamConfig;
  timeoutMs: number;
  apiKeys: string[] | null;
  metricsToken: string | null;
  shutdownGraceMs: number;
  logLevel: LogLevel;
  limits: Limits;
  /** "*" for any origin; otherwise exactly these. */
  corsOrigins: "*" | string[];
  redisUrl: string | null;
  idempotency: IdempotencyConfig;
}

/** Idempotency-Key handling (see the README's Idempotency section). */
export interface IdempotencyConfig {
  /** How long a retry waits for the same request still running before a 409. */
  waitMs: number;
  /** How long an answer is kept (at least the longest MFA session seen). */
  ttlMs: number;
}

export const DEFAULT_IDEMPOTENCY: IdempotencyConfig = { waitMs: 25_000, ttlMs: 86_400_000 };

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

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return Number(raw);
}

function upstream(env: Env): UpstreamConfig {
  const raw = read(env, "BELVO_URL");
  if (raw === undefined) return { kind: "emulator" };
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
        "required when BELVO_URL is set (your Belvo secret key pair); unset BELVO_URL to use the built-in sandbox emulator.",
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

function corsOrigins(env: Env, production: boolean): "*" | string[] {
  const raw = read(env, "CORS_ORIGINS");
  if (raw === undefined) return production ? [] : "*";
  if (raw === "*") return "*";
  return raw.split(",").map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigError(
        "CORS_ORIGINS",
        `"${origin}" is not an origin such as https://app.example.com (no path, no trailing slash).`,
      );
    }
    return origin;
  });
}

function redisUrl(env: Env): string | null {
  const raw = read(env, "REDIS_URL");
  if (raw === undefined) return null;
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) {
    throw new ConfigError("REDIS_URL", "expected a redis:// or rediss:// URL.");
  }
  return raw;
}

function limits(env: Env): Limits {
  const rate = read(env, "RATE_LIMIT_PER_MINUTE");
  return {
    maxDepth: integer(env, "MAX_QUERY_DEPTH", DEFAULT_LIMITS.maxDepth, 2, 100),
    maxAliases: integer(env, "MAX_ALIASES", DEFAULT_LIMITS.maxAliases, 0, 1_000),
    maxTokens: integer(env, "MAX_TOKENS", DEFAULT_LIMITS.maxTokens, 100, 100_000),
    maxCost: integer(env, "MAX_COST", DEFAULT_LIMITS.maxCost, 10, 100_000),
    maxBodyBytes: integer(
      env,
      "MAX_BODY_BYTES",
      DEFAULT_LIMITS.maxBodyBytes,
      1_024,
      100 * 1024 * 1024,
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
    ratePerMinute:
      rate === undefined ? null : integer(env, "RATE_LIMIT_PER_MINUTE", 0, 1, 1_000_000),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const production = read(env, "NODE_ENV") === "production";
  const logLevel = read(env, "LOG_LEVEL") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      "LOG_LEVEL",
      `expected one of ${LOG_LEVELS.join(", ")}; got "${logLevel}".`,
    );
  }
  const timeoutMs = integer(env, "BELVO_TIMEOUT_MS", 330_000, 1, 3_600_000);
  const metricsToken = read(env, "METRICS_TOKEN") ?? null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    throw new ConfigError(
      "METRICS_TOKEN",
      "must be at least 16 printable characters without spaces.",
    );
  }
  return {
    port: integer(env, "PORT", 4000, 0, 65535),
    host: read(env, "HOST") ?? "127.0.0.1",
    production,
    upstream: upstream(env),
    timeoutMs,
    apiKeys: apiKeys(env, production),
    metricsToken,
    // By default a resume in flight may run to its own deadline before the process exits.
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", timeoutMs + 5_000, 0, 3_600_000),
    logLevel: logLevel as LogLevel,
    limits: limits(env),
    corsOrigins: corsOrigins(env, production),
    redisUrl: redisUrl(env),
    idempotency: {
      waitMs: integer(env, "IDEMPOTENCY_WAIT_MS", DEFAULT_IDEMPOTENCY.waitMs, 0, 600_000),
      ttlMs: integer(env, "IDEMPOTENCY_TTL_MS", DEFAULT_IDEMPOTENCY.ttlMs, 60_000, 30 * 86_400_000),
    },
  };
}
