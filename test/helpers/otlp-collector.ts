import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { createTracerProvider } from "../../src/tracing/provider.js";
import { Tracing } from "../../src/tracing/tracing.js";

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: AnyValue }[];
  status?: { code?: number; message?: string };
}

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** A span as the collector received it, its attributes made plain. */
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP's numbers: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
  service: string;
}

function plain(value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  return JSON.stringify(value);
}

function attributes(list: { key: string; value: AnyValue }[] = []) {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));
}

/**
 * An OTLP/HTTP receiver on loopback (POST /v1/traces, JSON as the gateway's exporter sends it):
 * keeps every body as received, for secret searches, and every span, for tree checks.
 */
export class OtlpCollector {
  readonly bodies: string[] = [];
  readonly spans: ExportedSpan[] = [];
  url = "";
  private readonly server = createServer((req, res) => void this.receive(req, res));

  static async start(): Promise<OtlpCollector> {
    const collector = new OtlpCollector();
    await new Promise<void>((resolve) => collector.server.listen(0, "127.0.0.1", resolve));
    collector.url = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    return collector;
  }

  /** A provider exporting here, as production's does (batched), sampling every trace. */
  provider(): BasicTracerProvider {
    return createTracerProvider({
      tracesUrl: `${this.url}/v1/traces`,
      serviceName: "gateway-under-test",
      sampler: "parentbased_always_on",
      samplerRatio: 1,
      resolverSpans: false,
    });
  }

  tracing(provider: BasicTracerProvider, resolverSpans = false): Tracing {
    return new Tracing({ provider, resolverSpans });
  }

  /**
   * Flushes `provider` until a span matching `found` has arrived: a request's span ends when
   * its response closes, which the client may see a moment before the server does.
   */
  async waitFor(
    provider: BasicTracerProvider,
    found: (span: ExportedSpan) => boolean,
  ): Promise<ExportedSpan> {
    for (let tries = 0; tries < 100; tries++) {
      await provider.forceFlush();
      const span = this.spans.find(found);
      if (span) return span;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no such span among ${JSON.stringify(this.spans.map((s) => s.name))}`);
  }

  /** Every span of one trace. */
  trace(traceId: string): ExportedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    let raw = Buffer.concat(chunks);
    if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
    const text = raw.toString("utf8");
    this.bodies.push(text);
    if (req.url !== "/v1/traces" || !String(req.headers["content-type"]).includes("json")) {
      res.writeHead(415).end();
      return;
    }
    for (const resource of (JSON.parse(text) as OtlpExport).resourceSpans ?? []) {
      const service = String(attributes(resource.resource?.attributes)["service.name"]);
      for (const scope of resource.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || null,
            name: span.name,
            kind: span.kind,
            attributes: attributes(span.attributes),
            status: span.status?.code ?? 0,
            service,
          });
        }
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  }
}
