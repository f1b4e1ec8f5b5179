import { destination as fileDestination, pino, type DestinationStream, type Logger } from "pino";
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
  // Asynchronous writes: while one is in flight the next lines are batched into one write.
  if (production) return pino(options, fileDestination({ dest: 1, sync: false }));
  return pino(
    options,
    pretty({ colorize: process.stdout.isTTY, ignore: "pid,hostname", sync: true }),
  );
}
