/** HTTP to Belvo: one keep-alive pool, Basic auth, a deadline per call, transport errors mapped. */
import { Pool, errors as undiciErrors } from "undici";
import { ErrorCode, UpstreamError } from "../errors.js";

export interface HttpOptions {
  /** Base URL, optionally with a path prefix; no trailing slash. */
  url: string;
  secretId: string;
  secretPassword: string;
  timeoutMs: number;
  /** Largest body accepted from Belvo, in bytes. */
  maxResponseBytes?: number;
  connections?: number;
}

export interface RawAnswer {
  status: number;
  text: string;
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function transportError(error: unknown, timedOut: boolean, timeoutMs: number): UpstreamError {
  const code = (error as { code?: unknown } | null)?.code;
  const noAnswer = { status: null, code: null, requestId: null };
  if (timedOut || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
    return new UpstreamError(
      `Belvo did not answer within ${timeoutMs} ms; retry later.`,
      ErrorCode.UpstreamTimeout,
      noAnswer,
      true,
    );
  }
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new UpstreamError(
      "Belvo's answer was larger than the gateway accepts.",
      ErrorCode.UpstreamError,
      noAnswer,
      false,
    );
  }
  return new UpstreamError(
    "Belvo could not be reached (the connection failed or was cut); retry later.",
    ErrorCode.UpstreamUnavailable,
    noAnswer,
    true,
  );
}

export class BelvoHttp {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly authorization: string;

  constructor(private readonly options: HttpOptions) {
    const url = new URL(options.url);
    this.prefix = url.pathname.replace(/\/+$/, "");
    this.authorization = `Basic ${Buffer.from(`${options.secretId}:${options.secretPassword}`).toString("base64")}`;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 64,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: Math.min(options.timeoutMs, 10_000) },
      maxResponseSize: options.maxResponseBytes ?? 10 * 1024 * 1024,
    });
  }

  /** Sends one request exactly once (never retried: an MFA token is single-use). */
  async send(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<RawAnswer> {
    const { timeoutMs } = this.options;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.pool.request({
        method,
        path: this.prefix + path,
        headers: {
          authorization: this.authorization,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      throw transportError(error, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
