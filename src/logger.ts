import { destination as fileDestination, pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./config.js";

/**
 * Keys whose values are never written, at any depth a log call passes: the contract allows no
 * secret in a log line, so this is configuration, not care at each call site.
 */
const SECRET_KEYS = new Set([
  "authorization",
  "cookie",
  "password",
  "password2",
  "token",
  "secretId",
  "secretPassword",
  "apiKeys",
  "variables",
]);
const MAX_DEPTH = 6;

/** A copy with secret keys censored; the same object when there is nothing to censor. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH || value instanceof Error)
    return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => scrub(item, depth + 1));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const clean = SECRET_KEYS.has(key) ? "[redacted]" : scrub(item, depth + 1);
    if (clean !== item) (copy ??= { ...value })[key] = clean;
  }
  return copy ?? value;
}

/** JSON lines in production; readable lines otherwise. `destination` overrides both (tests). */
export function createLogger(
  level: LogLevel,
  production: boolean,
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: undefined,
    formatters: {
      log: (object: Record<string, unknown>) => scrub(object) as Record<string, unknown>,
    },
  };
  if (destination) return pino(options, destination);
  // Asynchronous writes: while one is in flight the next lines are batched into one write.
  if (production) return pino(options, fileDestination({ dest: 1, sync: false }));
  return pino(
    options,
    pretty({ colorize: process.stdout.isTTY, ignore: "pid,hostname", sync: true }),
  );
}
