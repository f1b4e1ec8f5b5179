/** Belvo's HTTP conventions: Basic auth, error lists, pagination with absolute links. */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface BelvoErrorEntry {
  code: string;
  message: string;
  field?: string;
}

/** An answer the emulator sends as Belvo would: `status` with an error list. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly entries: BelvoErrorEntry[],
  ) {
    super(entries[0]?.message ?? "error");
  }
}

export const fieldError = (field: string, code: string, message: string) =>
  new SandboxError(400, [{ code, message, field }]);

export function requestId(): string {
  return randomBytes(16).toString("hex");
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: SandboxError): void {
  const id = requestId();
  send(
    res,
    error.status,
    error.entries.map((entry) => ({ ...entry, request_id: id })),
  );
}

/** The request's Basic key pair; empty strings when there is none. */
export function basicPair(req: IncomingMessage): { id: string; password: string } {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? "")?.[1];
  const decoded = encoded ? Buffer.from(encoded, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  return colon < 0
    ? { id: "", password: "" }
    : { id: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Any non-empty Basic pair is accepted, as with a sandbox key. */
export function checkAuth(req: IncomingMessage): void {
  const { id, password } = basicPair(req);
  if (id === "" || password === "") {
    throw new SandboxError(401, [
      {
        code: "authentication_failed",
        message: "Credentials provided are not valid. Check your secret key id and password.",
      },
    ]);
  }
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SandboxError(400, [{ code: "parse_error", message: "JSON parse error." }]);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new SandboxError(400, [{ code: "parse_error", message: "Expected a JSON object." }]);
  }
  return body as Record<string, unknown>;
}

/** Belvo's list answer: `{count, next, previous, results}`, `page` from 1, `page_size` up to 1000. */
export function paginate<T>(
  req: IncomingMessage,
  url: URL,
  items: readonly T[],
  defaultPageSize: number,
) {
  const pageSize = Math.min(Number(url.searchParams.get("page_size")) || defaultPageSize, 1000);
  const page = Number(url.searchParams.get("page") ?? "1");
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  if (!Number.isInteger(page) || page < 1 || page > pages) {
    throw new SandboxError(404, [{ code: "not_found", message: "Invalid page." }]);
  }
  const link = (target: number) => {
    const next = new URL(url.pathname + url.search, `http://${req.headers.host ?? "127.0.0.1"}`);
    next.searchParams.set("page", String(target));
    return next.toString();
  };
  return {
    count: items.length,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: items.slice((page - 1) * pageSize, page * pageSize),
  };
}

/** Comma-separated values of a filter, or null when the filter is absent. */
export function filterValues(url: URL, name: string): Set<string> | null {
  const raw = url.searchParams.get(name);
  return raw === null
    ? null
    : new Set(
        raw
          .split(",")
          .map((value) => value.trim())
          .filter(Boolean),
      );
}
