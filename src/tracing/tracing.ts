/**
 * The gateway's spans, made by hand on the OpenTelemetry API: one per GraphQL request (named by
 * its root fields), one per guard step that touches Redis, one per Belvo call (and, when asked
 * for, one per resolver call). A span carries no variable, no body and no header outside
 * ALLOWED_HEADERS, so nothing a client or Belvo sent can leak through it.
 *
 * Nothing here is global: a request's trace travels by hand (the GraphQL context, the request's
 * Belvo client and guards carry it), and spans go to the provider the gateway was given. No
 * AsyncLocalStorage on the request path: once entered it hooks every promise of the process, and
 * on a traced gateway that cost more than all of its spans (a sampled-out request pays for none
 * of it). Resolver spans, asked for when looking into one problem, do use one, to put the Belvo
 * calls a resolver makes under its span. A gateway built without a Tracing runs none of this.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

/** The only request headers an operation span records, each as `http.request.header.<name>`. */
export const ALLOWED_HEADERS = ["content-type", "user-agent"] as const;

/** Only these requests get a span: probes and scrapes would drown the traces. */
const TRACED_PATH = /^\/graphql(?:\?|$)/;

/** What a log line carries to join its trace. */
export interface TraceIds {
  traceId: string;
  spanId: string;
}

export interface TracingOptions {
  /** Where spans go: createTracerProvider()'s in production, a test's own in tests. */
  provider: TracerProvider;
  /** A span per resolver call too (TRACE_RESOLVERS): costly, for looking into one problem. */
  resolverSpans?: boolean;
}

/** One traced GraphQL request: its span, and the ids its log lines carry. */
export class RequestTrace {
  readonly ids: TraceIds;
  /** Sampled: its spans are exported, and its log lines carry its ids. */
  readonly sampled: boolean;
  /**
   * The caller's context with this span in it: the parent of the request's child spans. Only a
   * sampled request has child spans; one sampled out makes none (they would record nothing).
   */
  readonly context: Context | undefined;
  private resolved = false;
  /** What a sampled-out request sends to Belvo on every call, made once. */
  private propagation: Record<string, string> | undefined;

  constructor(
    readonly span: Span,
    parent: Context,
  ) {
    const { traceId, spanId } = span.spanContext();
    this.ids = { traceId, spanId };
    this.sampled = span.isRecording();
    this.context = this.sampled ? trace.setSpan(parent, span) : undefined;
  }

  /**
   * `traceparent` (and `tracestate`) naming this request's span, for the calls of a request
   * sampled out: Belvo's side of the trace continues it, unsampled, as the caller's flag says.
   */
  propagationHeaders(propagator: W3CTraceContextPropagator): Record<string, string> {
    if (!this.propagation) {
      this.propagation = {};
      propagator.inject(
        trace.setSpan(ROOT_CONTEXT, this.span),
        this.propagation,
        defaultTextMapSetter,
      );
    }
    return this.propagation;
  }

  /** Apollo's view of the operation, once it has answered (tracing/answered.ts). */
  answered(fields: string, type: string | undefined, name: string | null, outcome: string): void {
    this.resolved = true;
    this.span.updateName(fields);
    this.span.setAttributes({
      "graphql.operation.type": type ?? "unknown",
      "gateway.outcome": outcome,
    });
    if (name !== null) this.span.setAttribute("graphql.operation.name", name);
    if (outcome !== "OK") this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }

  /** Refused at the edge before GraphQL ran, with a code its HTTP status does not tell. */
  refused(code: string): void {
    this.resolved = true;
    this.span.setAttribute("gateway.outcome", code);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  }

  /**
   * The response is sent, or the client left first: then the span ends now, marked, and what the
   * gateway still does for it (a Belvo call in flight) ends later under it. Refusals before
   * Apollo end here too.
   */
  end(status: number, sent: boolean): void {
    if (!sent) {
      this.span.setAttribute("gateway.client_gone", true);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: "client gone" });
    } else {
      this.span.setAttribute("http.response.status_code", status);
      if (!this.resolved && status >= 400) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}

/** One Belvo call's span: the headers to send (with `traceparent`), and how it ends. */
export interface UpstreamSpan {
  headers: Record<string, string>;
  /** False for a request sampled out: nothing to end, nothing to read out of the answer for it. */
  recording: boolean;
  /** `status` null: no answer, `failure` says why (the gateway's error code). */
  end(status: number | null, belvoRequestId: string | null, failure: string | null): void;
}

export class Tracing {
  readonly resolverSpans: boolean;
  private readonly tracer: Tracer;
  /** Only with resolver spans: the resolver span in which a Belvo call is made. */
  private readonly resolverScope: AsyncLocalStorage<Context> | undefined;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(options: TracingOptions) {
    this.tracer = options.provider.getTracer("belvo-graphql-gateway");
    this.resolverSpans = options.resolverSpans ?? false;
    this.resolverScope = this.resolverSpans ? new AsyncLocalStorage() : undefined;
  }

  /**
   * Starts the span of a /graphql request (undefined for any other path), continuing the
   * caller's W3C `traceparent` when it sent a valid one; it ends when the response closes.
   */
  startRequest(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): RequestTrace | undefined {
    if (!TRACED_PATH.test(req.url ?? "")) return undefined;
    const parent = this.propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    // The samplers the settings name decide by trace id and parent alone, so the attributes
    // are only made for a span that records them.
    const span = this.tracer.startSpan("graphql", { kind: SpanKind.SERVER }, parent);
    const request = new RequestTrace(span, parent);
    if (!request.sampled) return request;
    const attributes: Attributes = {
      "http.request.method": req.method ?? "GET",
      "url.path": "/graphql",
      "gateway.request_id": requestId,
    };
    for (const name of ALLOWED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === "string") attributes[`http.request.header.${name}`] = value;
    }
    span.setAttributes(attributes);
    res.once("close", () => request.end(res.statusCode, res.writableFinished));
    return request;
  }

  /** The Belvo calls' tracer for one upstream origin (upstream/belvo-http.ts makes one per pool). */
  upstream(origin: string): UpstreamTracer {
    return new UpstreamTracer(this, origin);
  }

  /**
   * A child span for one step of a guard that touches Redis (guards/caps.ts); `guard` is the
   * guard's name (the counter key's prefix, never the key: it holds a client key's label or an
   * address).
   */
  async guard<T>(
    request: RequestTrace | undefined,
    guard: string,
    step: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const span = this.child(request, `guard ${guard} ${step}`, SpanKind.CLIENT, {
      "gateway.guard": guard,
      "gateway.guard.step": step,
      "db.system.name": "redis",
    });
    if (!span) return work();
    try {
      return await work();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** A span for one resolver call (resolverSpans); Belvo calls made inside it are its children. */
  resolve<T>(
    request: RequestTrace | undefined,
    parentType: string,
    field: string,
    path: string,
    work: () => T | Promise<T>,
  ): T | Promise<T> {
    const parent = this.parentContext(request);
    if (!parent || !this.resolverScope) return work();
    const span = this.tracer.startSpan(
      `${parentType}.${field}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          "graphql.field.parent_type": parentType,
          "graphql.field.name": field,
          "graphql.field.path": path,
        },
      },
      parent,
    );
    let result: T | Promise<T>;
    try {
      result = this.resolverScope.run(trace.setSpan(parent, span), work);
    } catch (error) {
      failed(span, error);
      span.end();
      throw error;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return result;
    }
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      },
    );
  }

  /** A child of the request's span (or of the resolver's in scope); undefined when untraced. */
  child(
    request: RequestTrace | undefined,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
  ): Span | undefined {
    const parent = this.parentContext(request);
    return parent && this.tracer.startSpan(name, { kind, attributes }, parent);
  }

  private parentContext(request: RequestTrace | undefined): Context | undefined {
    return this.resolverScope?.getStore() ?? request?.context;
  }

  /** A copy of `headers` with `traceparent` (and `tracestate`) for `span`. */
  inject(span: Span, headers: Record<string, string>): Record<string, string> {
    const carrier = { ...headers };
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    return carrier;
  }

  /** The trace headers of a request sampled out (no span of its own for the call). */
  propagation(request: RequestTrace): Record<string, string> {
    return request.propagationHeaders(this.propagator);
  }
}

/** Spans for Belvo calls, named `{method} {path template}` as OpenTelemetry's HTTP clients do. */
export class UpstreamTracer {
  private readonly server: Attributes;

  constructor(
    private readonly tracing: Tracing,
    origin: string,
  ) {
    const url = new URL(origin);
    this.server = {
      "server.address": url.hostname,
      "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    };
  }

  /**
   * Undefined outside a traced request: the call is then sent without a span or `traceparent`.
   * `attempt` counts from 1; a read tried again is attempt 2 and 3.
   */
  start(
    request: RequestTrace | undefined,
    method: string,
    template: () => string,
    attempt: number,
    headers: Record<string, string>,
  ): UpstreamSpan | undefined {
    if (request && !request.sampled) {
      return {
        headers: { ...headers, ...this.tracing.propagation(request) },
        recording: false,
        end: noEnd,
      };
    }
    const name = template();
    const span = this.tracing.child(request, `${method} ${name}`, SpanKind.CLIENT, {
      ...this.server,
      "http.request.method": method,
      "url.template": name,
      "http.request.resend_count": attempt - 1,
    });
    if (!span) return undefined;
    return {
      headers: this.tracing.inject(span, headers),
      recording: true,
      end(status, belvoRequestId, failure) {
        if (status !== null) span.setAttribute("http.response.status_code", status);
        if (belvoRequestId !== null) span.setAttribute("belvo.request_id", belvoRequestId);
        // Belvo's 4xx answers are about the user's request (the operation's outcome says so);
        // no answer, or a 5xx, is this call's own failure.
        if (failure !== null || (status !== null && status >= 500)) {
          span.setAttribute("error.type", failure ?? String(status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  }
}

function noEnd(): void {}

/** Only the error's class goes into a span: a message may quote what a caller or Belvo sent. */
function failed(span: Span, error: unknown): void {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  span.setAttribute(
    "error.type",
    typeof code === "string" ? code : error instanceof Error ? error.name : "unknown",
  );
  span.setStatus({ code: SpanStatusCode.ERROR });
}
