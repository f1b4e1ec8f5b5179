import { setGlobalErrorHandler } from "@opentelemetry/core";
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { Log } from "../logger.js";

const MESSAGE = "tracing: spans could not be exported (is the OTLP endpoint reachable?)";

/**
 * Spans that could not be sent are told in one fixed line, at most once a minute: never the
 * exporter's error, which may quote the collector's answer (and what it was sent). The SDK hands
 * its errors to one process-wide handler, so only the composition root (index.ts) calls this.
 */
export function reportExportFailures(logger: Log, now: () => number = Date.now): void {
  let last = -Infinity;
  setGlobalErrorHandler(() => {
    if (now() - last < 60_000) return;
    last = now();
    logger.warn({}, MESSAGE);
  });
}

/** Sends the spans still queued; a collector that is away must not keep the process from exiting. */
export async function stopTracing(provider: BasicTracerProvider, logger: Log): Promise<void> {
  try {
    await provider.shutdown();
  } catch {
    logger.warn({}, MESSAGE);
  }
}
