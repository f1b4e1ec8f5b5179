import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "../config.js";

/** What Apollo is given after the check: the same request, with a listed document filled in. */
export interface Admitted {
  body: unknown;
  search: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * `TRUSTED_DOCUMENTS`: only the documents of a manifest (sha256 hex of the text → the text, as
 * `npm run codegen` writes it from the typed client's operations) run. A request names one by id
 * (Apollo's persisted-query extension, `extensions.persistedQuery.sha256Hash`, the text then
 * filled in here) or sends its full text; anything else is refused before Apollo parses or
 * validates it. A request with neither a document nor an id executes nothing and passes on
 * (Apollo answers it: the landing page, or its own 400).
 */
export class TrustedDocuments {
  private readonly texts: Set<string>;

  constructor(private readonly byId: ReadonlyMap<string, string>) {
    this.texts = new Set(byId.values());
  }

  /** Reads and checks a manifest; every problem is a ConfigError naming the setting. */
  static fromFile(path: string): TrustedDocuments {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      const reason = error instanceof SyntaxError ? "is not JSON" : "cannot be read";
      throw new ConfigError("TRUSTED_DOCUMENTS", `the manifest ${reason} (${path}).`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError("TRUSTED_DOCUMENTS", "expected a JSON object of sha256 → document.");
    }
    const byId = new Map<string, string>();
    for (const [id, text] of Object.entries(parsed)) {
      if (typeof text !== "string" || !SHA256_HEX.test(id) || hash("sha256", text) !== id) {
        throw new ConfigError(
          "TRUSTED_DOCUMENTS",
          `entry "${id.slice(0, 64)}" is not the sha256 (hex) of its document.`,
        );
      }
      byId.set(id, text);
    }
    return new TrustedDocuments(byId);
  }

  /** The request as Apollo should see it, or null when its document is not listed. */
  admit(method: string, body: unknown, search: string): Admitted | null {
    if (method === "POST") {
      if (typeof body !== "object" || body === null || Array.isArray(body)) return { body, search };
      const fields = body as Record<string, unknown>;
      const text = this.document(fields.query, fields.extensions);
      if (text === undefined) return { body, search };
      return text === null ? null : { body: { ...fields, query: text }, search };
    }
    const params = new URLSearchParams(search);
    // Apollo refuses a parameter given twice; so does this check, as not listed.
    if (params.getAll("query").length > 1 || params.getAll("extensions").length > 1) return null;
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get("extensions") ?? "null");
    } catch {
      return null;
    }
    const text = this.document(params.get("query") ?? undefined, extensions);
    if (text === undefined) return { body, search };
    if (text === null) return null;
    params.set("query", text);
    return { body, search: `?${params.toString()}` };
  }

  /** The listed text a request names; undefined when it names none, null when not listed. */
  private document(query: unknown, extensions: unknown): string | null | undefined {
    const id = persistedQueryId(extensions);
    if (query !== undefined && query !== null) {
      if (typeof query !== "string" || !this.texts.has(query)) return null;
      // Apollo checks an id sent beside the text against the text itself.
      return query;
    }
    if (id === undefined) return undefined;
    return typeof id === "string" ? (this.byId.get(id) ?? null) : null;
  }
}

/** `extensions.persistedQuery.sha256Hash` as sent (any type); undefined when absent. */
function persistedQueryId(extensions: unknown): unknown {
  if (typeof extensions !== "object" || extensions === null) return undefined;
  const persisted = (extensions as Record<string, unknown>).persistedQuery;
  if (typeof persisted !== "object" || persisted === null) return undefined;
  return (persisted as Record<string, unknown>).sha256Hash ?? null;
}
