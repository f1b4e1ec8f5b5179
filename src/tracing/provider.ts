/** The OpenTelemetry SDK, set up from config.ts's settings: OTLP/HTTP (JSON), batched. */
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from "@opentelemetry/sdk-trace-base";
import type { SamplerName, TracingConfig } from "../config.js";

/** The samplers the OpenTelemetry settings name (OTEL_TRACES_SAMPLER). */
export function sampler(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return casesExhausted(name);
  }
}

function casesExhausted(value: never): never {
  throw new Error(`unknown sampler ${String(value)}`);
}

/**
 * A provider of its own, registered nowhere: the gateway takes it as a dependency, so nothing
 * global is set and tests build one per gateway. Spans leave in batches off the request path;
 * past the queue's size they are dropped, never waited for. `shutdown()` sends what is left.
 * The exporter still reads its own secondary settings (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT,
 * _COMPRESSION, certificates) as the SDK documents them.
 */
export function createTracerProvider(config: TracingConfig): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ "service.name": config.serviceName }),
    ),
    sampler: sampler(config.sampler, config.samplerRatio),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }))],
  });
}
