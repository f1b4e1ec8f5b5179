import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config.js";

/** Paths never written, whatever a call site passes (contract: no secret in a log line). */
const REDACT = [
  "*.authorization",
  "*.headers.authorization",
  "*.password",
  "*.password2",
  "*.token",
  "*.secretId",
  "*.secretPassword",
  "*.apiKeys",
  "*.variables",
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: undefined, redact: { paths: REDACT, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
