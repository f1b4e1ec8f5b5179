import { pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./config.js";

/**
 * Paths never written, whatever a call site passes: the contract allows no secret in a log line,
 * so this is configuration, not care at each call site.
 */
const REDACT = [
  "authorization",
  "password",
  "password2",
  "token",
  "secretId",
  "secretPassword",
  "apiKeys",
  "variables",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.password",
  "*.password2",
  "*.token",
  "*.secretId",
  "*.secretPassword",
  "*.apiKeys",
  "*.variables",
];

/** JSON lines in production; readable lines otherwise. `destination` overrides both (tests). */
export function createLogger(
  level: LogLevel,
  production: boolean,
  destination?: DestinationStream,
): Logger {
  const options = { level, base: undefined, redact: { paths: REDACT, censor: "[redacted]" } };
  if (destination) return pino(options, destination);
  if (production) return pino(options);
  return pino(
    options,
    pretty({ colorize: process.stdout.isTTY, ignore: "pid,hostname", sync: true }),
  );
}
