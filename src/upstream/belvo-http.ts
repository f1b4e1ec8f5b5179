/** HTTP to Belvo: one keep-alive pool, Basic auth, a deadline per call, transport errors mapped. */
import { Pool, errors as undiciErrors, type Dispatcher } from "undici";
import { ErrorCode, UpstreamError, statusOnly } from "../errors.js";
import { pathTemplate } from "../metrics.js";
import type { RequestTrace, Tracing, UpstreamTracer } from "../tracing/tracing.js";

export interface HttpOptions {
  /** Base URL; requests carry their full path (BelvoClient adds any prefix). */
  url: string;
  secretId: string;
  secretPassword: string;
  timeoutMs: number;
  /** Largest body accepted from Belvo, in bytes. */
  maxResponseBytes?: number;
  connections?: number;
  /** First pause before a GET is tried again; doubles, with jitter. */
  retryBaseMs?: number;
  /** A span per call, and `traceparent` sent to Belvo; none when left out. */
  tracing?: Tracing;
}

/** Told of every attempt, answered or not (for logs and metrics). Must not throw. */
export type Observe = (call: UpstreamCall) => void;

/** Whom a call is made for: what is told of each attempt, and the request's trace (if any). */
export interface Caller {
  observe: Observe;
  trace?: RequestTrace;
}

export interface UpstreamCall {
  method: string;
  path: string;
  /** null when no answer arrived. */
  status: number | null;
  durationMs: number;
  /** The body, when one arrived. */
  text: string | null;
  /** The gateway's error code, when the call failed without an answer. */
  failure: string | null;
}

const BELVO_REQUEST_ID = /"request_id"\s*:\s*"([0-9a-f]{32})"/;

/**
 * Where Belvo's request id sits: near the start of an error list, a challenge or a 202. A list of
 * 1,000 items has none, and searching all of it (900 KB) for one cost more than its log line.
 */
const REQUEST_ID_WITHIN = 4096;

/** The request id Belvo gives in its error bodies (for support tickets), or null. */
export function belvoRequestId(text: string): string | null {
  const head = text.length > REQUEST_ID_WITHIN ? text.slice(0, REQUEST_ID_WITHIN) : text;
  return BELVO_REQUEST_ID.exec(head)?.[1] ?? null;
}

/** Every method that changes something at Belvo: sent exactly once. */
export type WriteMethod = "POST" | "PATCH" | "PUT" | "DELETE";

/** A read is tried at most this many times; a write exactly once. */
const MAX_GET_ATTEMPTS = 3;

export interface RawAnswer {
  status: number;
  text: string;
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * A call that failed before any byte of it was written (no connection, or the deadline passed
 * while waiting for one): Belvo cannot have received it, so a token in it is not spent.
 */
export class UnsentCall extends UpstreamError {}

function transportError(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
  sent: boolean,
): UpstreamError {
  const code = (error as { code?: unknown } | null)?.code;
  const noAnswer = statusOnly(null);
  const Failure = sent ? UpstreamError : UnsentCall;
  if (timedOut || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
    return Failure.timeout(`Belvo did not answer within ${timeoutMs} ms; retry later.`, noAnswer);
  }
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return Failure.unreadable("Belvo's answer was larger than the gateway accepts.", noAnswer);
  }
  return Failure.unavailable(noAnswer);
}

export class BelvoHttp {
  private readonly pool: Pool;
  /** Made once: every call sends the same headers. */
  private readonly readHeaders: Record<string, string>;
  private readonly writeHeaders: Record<string, string>;
  private readonly tracer: UpstreamTracer | undefined;

  constructor(private readonly options: HttpOptions) {
    const url = new URL(options.url);
    this.tracer = options.tracing?.upstream(url.origin);
    const authorization = `Basic ${Buffer.from(`${options.secretId}:${options.secretPassword}`).toString("base64")}`;
    this.readHeaders = { authorization, accept: "application/json" };
    this.writeHeaders = { ...this.readHeaders, "content-type": "application/json" };
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 64,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: Math.min(options.timeoutMs, 10_000) },
      maxResponseSize: options.maxResponseBytes ?? 10 * 1024 * 1024,
    });
  }

  /**
   * Sends a write exactly once: never retried, since an MFA token or a login is single-use. A
   * DELETE has no body (`undefined`). `extraHeaders`: e.g. `x-belvo-request-mode: async` for an
   * asynchronous retrieval.
   */
  write(
    method: WriteMethod,
    path: string,
    body: unknown,
    caller: Caller,
    extraHeaders?: Record<string, string>,
  ): Promise<RawAnswer> {
    return this.attempt(method, path, body, this.options.timeoutMs, caller, 1, extraHeaders);
  }

  /**
   * Reads, trying again after a 5xx or a failed connection, at most MAX_GET_ATTEMPTS times and
   * only while the next try still fits in the deadline (by default the timeout from now; a list
   * passes one deadline for all of its pages).
   */
  async read(
    path: string,
    caller: Caller,
    deadline = Date.now() + this.options.timeoutMs,
  ): Promise<RawAnswer> {
    const base = this.options.retryBaseMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      let outcome: RawAnswer | UpstreamError;
      try {
        outcome = await this.attempt(
          "GET",
          path,
          undefined,
          deadline - Date.now(),
          caller,
          attempt,
        );
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        outcome = error;
      }
      const retryable =
        outcome instanceof UpstreamError
          ? outcome.extensions.code === ErrorCode.UpstreamUnavailable
          : outcome.status >= 500;
      const pause = base * 2 ** (attempt - 1) * (0.5 + Math.random());
      if (!retryable || attempt === MAX_GET_ATTEMPTS || Date.now() + pause >= deadline) {
        if (outcome instanceof UpstreamError) throw outcome;
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * One call, on undici's dispatch API: the body is gathered as it arrives, without the stream
   * and promise machinery of `request()`. The deadline covers waiting for a connection, the
   * headers and the whole body.
   */
  private attempt(
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    { observe, trace }: Caller,
    attempt = 1,
    extraHeaders?: Record<string, string>,
  ): Promise<RawAnswer> {
    const started = performance.now();
    const base = body === undefined ? this.readHeaders : this.writeHeaders;
    const headers = extraHeaders ? { ...base, ...extraHeaders } : base;
    const span = this.tracer?.start(trace, method, () => pathTemplate(path), attempt, headers);
    const report = (status: number | null, text: string | null, failure: string | null) => {
      if (span?.recording) span.end(status, text === null ? null : belvoRequestId(text), failure);
      observe({ method, path, status, text, failure, durationMs: performance.now() - started });
    };
    return new Promise<RawAnswer>((resolve, reject) => {
      let controller: Dispatcher.DispatchController | null = null;
      let timedOut = false;
      let settled = false;
      let status = 0;
      const chunks: Buffer[] = [];
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // undici starts a request (onRequestStart) on its connection, before writing a byte.
        const sent = controller !== null;
        const failure = transportError(error, timedOut, this.options.timeoutMs, sent);
        report(null, null, String(failure.extensions.code));
        reject(failure);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        const error = new Error("deadline passed");
        controller?.abort(error);
        fail(error);
      }, timeoutMs);
      this.pool.dispatch(
        {
          method,
          path,
          headers: span?.headers ?? headers,
          body: body === undefined ? null : JSON.stringify(body),
        },
        {
          onRequestStart(dispatched) {
            controller = dispatched;
            // Still waiting for a connection when the deadline passed.
            if (timedOut) dispatched.abort(new Error("deadline passed"));
          },
          onResponseStart(_controller, statusCode) {
            status = statusCode;
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd: () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString("utf8");
            report(status, text, null);
            resolve({ status, text });
          },
          onResponseError(_controller, error) {
            fail(error);
          },
        },
      );
    });
  }

  /** Ends every connection now, cutting any call still waiting (shutdown's grace is over). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
