import type { TracingConfig } from "../config.js";
import type { Log } from "../logger.js";
import { reportExportFailures, stopTracing } from "./failures.js";
import { createTracerProvider } from "./provider.js";
import { Tracing } from "./tracing.js";

export interface ProcessTracing {
  tracing: Tracing;
  /** Sends the spans still queued (at shutdown). Never throws. */
  stop(): Promise<void>;
}

/**
 * Tracing for the whole process, from config.ts's settings. index.ts imports this module only
 * when tracing is on, so a gateway without it never loads the SDK.
 */
export function startTracing(config: TracingConfig, logger: Log): ProcessTracing {
  const provider = createTracerProvider(config);
  reportExportFailures(logger);
  return {
    tracing: new Tracing({ provider, resolverSpans: config.resolverSpans }),
    stop: () => stopTracing(provider, logger),
  };
}
