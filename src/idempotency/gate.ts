/**
 * The idempotency hook around one GraphQL request (Stripe's `Idempotency-Key`, the IETF httpapi
 * draft): the first request with a key claims it and runs; a retry of the same request joins it
 * while it runs and replays its answer, byte for byte, once stored; the same key with another
 * request is refused. An answer is stored only once something was sent upstream: a token spent
 * must never be sent again, and a refusal before that must let a corrected retry run.
 */
import { hash, randomUUID } from "node:crypto";
import { Kind, OperationTypeNode, parse } from "graphql";
import type { RequestIds } from "../context.js";
import { ErrorCode } from "../errors.js";
import { refusalAnswer, type RefusalCode } from "../edge/refusals.js";
import type { Log } from "../logger.js";
import type { GatewayMetrics } from "../metrics.js";
import {
  deriveKeyMaterial,
  fingerprint,
  open,
  scopeName,
  seal,
  type KeyMaterial,
} from "./crypto.js";
import type { Box, Entry, IdempotencyStore } from "./store.js";

export interface IdempotencySettings {
  /** How long a retry waits for the same request still running before a 409. */
  waitMs: number;
  /** How long an answer is kept; raised to the longest MFA session seen. */
  ttlMs: number;
  /** How long a claim holds without an answer: only a dead process leaves one to lapse. */
  leaseMs: number;
  /** The document parse limit (MAX_TOKENS). */
  maxTokens: number;
  /** The store-key secret (guards/store-keys.ts): indexes are HMACs under it. */
  keySecret: Buffer;
}

/** Exactly what was sent for the first request. */
export interface StoredAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface RequestFacts {
  method: string;
  /** The `Idempotency-Key` header as received (each value, when sent more than once). */
  header: string | string[] | undefined;
  /** The client key's label, or "anonymous". */
  scope: string;
  /** The parsed JSON body. */
  body: unknown;
  ids: RequestIds;
  logger: Log;
  /** The request's Accept header: a refusal is written in the media type it prefers. */
  accept?: string;
}

export interface OwnedClaim {
  /** A prefix of the index: what logs show of the key. */
  keyHash: string;
  /** Stores the answer when something was sent upstream; releases the claim otherwise. */
  finish(
    answer: StoredAnswer,
    wroteUpstream: boolean,
    mfaExpirySeconds: number | null,
  ): Promise<void>;
}

export type Decision =
  | { kind: "pass" }
  | { kind: "answer"; status: number; headers: Record<string, string>; body: string }
  | { kind: "owner"; claim: OwnedClaim };

const PASS: Decision = { kind: "pass" };
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;
/**
 * Retries of one key that may wait at once on its request still running (per process); past it a
 * retry is answered IDEMPOTENCY_IN_PROGRESS at once.
 */
const MAX_JOINS_PER_KEY = 4;
/** Seconds a client is told to wait before asking again for a request still running. */
const IN_PROGRESS_RETRY_AFTER = 2;

/**
 * What the gate remembers of a document it has parsed: its id (the sha256 that Apollo's
 * persisted queries name it by, so a retry by hash and one by text are the same request) and its
 * operations. Keyed by the text itself (a Map hashes a string far faster than sha256), within a
 * bound on the text kept: a document may be a megabyte of comments.
 */
interface KnownDocument {
  id: string;
  operations: { name: string | undefined; mutation: boolean }[];
}
const DOCUMENTS = new Map<string, KnownDocument>();
const MAX_REMEMBERED_CHARS = 4 * 1024 * 1024;
let rememberedChars = 0;

function knownDocument(query: string, maxTokens: number): KnownDocument | null {
  let known = DOCUMENTS.get(query);
  if (known) return known;
  try {
    known = {
      id: hash("sha256", query, "hex"),
      operations: parse(query, { maxTokens }).definitions.flatMap((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION
          ? [
              {
                name: definition.name?.value,
                mutation: definition.operation === OperationTypeNode.MUTATION,
              },
            ]
          : [],
      ),
    };
  } catch {
    return null; // Apollo refuses it; nothing goes upstream.
  }
  if (rememberedChars + query.length > MAX_REMEMBERED_CHARS) {
    DOCUMENTS.clear();
    rememberedChars = 0;
  }
  if (query.length <= MAX_REMEMBERED_CHARS / 8) {
    DOCUMENTS.set(query, known);
    rememberedChars += query.length;
  }
  return known;
}

/** The operation Apollo will run (graphql's `getOperationAST` rule) is a mutation. */
function runsMutation(document: KnownDocument, operationName: string | undefined): boolean {
  const { operations } = document;
  const operation =
    operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((candidate) => candidate.name === operationName);
  return operation?.mutation ?? false;
}

/** What makes two requests the same; null when the request is not a mutation (keys are ignored). */
function requestParts(body: unknown, maxTokens: number): unknown[] | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery?.sha256Hash;
  let id = typeof persisted === "string" ? persisted : null;
  if (typeof query === "string") {
    const document = knownDocument(query, maxTokens);
    const name = typeof operationName === "string" ? operationName : undefined;
    if (document === null || !runsMutation(document, name)) return null;
    // Apollo refuses a hash that is not its text's, so the two agree when both are sent.
    id ??= document.id;
  } else if (id === null) {
    return null;
  }
  return [id, operationName ?? null, variables ?? null];
}

export class IdempotencyGate {
  /** The longest MFA session this process has seen, in ms: answers are kept at least that long. */
  private longestSessionMs = 0;
  /** Requests of this process waiting on each key's request in flight. */
  private readonly joins = new Map<string, number>();
  /** What the store calls each client key's scope (an HMAC), by label: one per client key. */
  private readonly scopeNames = new Map<string, string>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly settings: IdempotencySettings,
    private readonly metrics: GatewayMetrics,
  ) {}

  async begin(facts: RequestFacts): Promise<Decision> {
    const values = facts.header;
    if (values === undefined || facts.method !== "POST") return PASS;
    const header = typeof values === "string" ? values : values.length === 1 ? values[0]! : null;
    if (header === null || !VALID_KEY.test(header)) {
      return this.refuse(facts, ErrorCode.BadRequest, {
        message: "Idempotency-Key must be one header of 1 to 255 printable ASCII characters.",
      });
    }
    const parts = requestParts(facts.body, this.settings.maxTokens);
    if (parts === null) return PASS;
    const material = deriveKeyMaterial(this.settings.keySecret, facts.scope, header);
    const print = fingerprint(material.mac, parts);
    try {
      return await this.claimOrJoin(facts, material, print);
    } catch (error) {
      facts.logger.error(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        "idempotency store failed",
      );
      return this.refuse(facts, ErrorCode.GuardUnavailable, {
        message:
          "The gateway's idempotency store did not answer; nothing was sent upstream. Retry.",
        retryAfter: 1,
      });
    }
  }

  private async claimOrJoin(
    facts: RequestFacts,
    material: KeyMaterial,
    print: string,
  ): Promise<Decision> {
    const { index } = material;
    const owner = randomUUID();
    const deadline = Date.now() + this.settings.waitMs;
    let joined = false;
    for (;;) {
      const claim = await this.store.claim(
        index,
        print,
        owner,
        this.settings.leaseMs,
        this.storeScope(facts.scope),
      );
      if (claim.kind === "claimed") {
        this.record(facts, material, "claimed");
        return { kind: "owner", claim: this.owned(facts, material, print, owner) };
      }
      if (claim.kind === "full") return this.refuseFull(facts, material, claim.retryAfterMs);
      let entry: Entry | null = claim.entry;
      if (entry.fingerprint === print && entry.state === "pending") {
        // A few retries may wait on one key; more are told at once to come back later, so copies
        // of one slow request cannot hold every connection.
        if ((this.joins.get(index) ?? 0) >= MAX_JOINS_PER_KEY) break;
        joined = true;
        entry = await this.settledAsJoin(index, deadline);
      }
      if (entry?.fingerprint !== undefined && entry.fingerprint !== print) {
        this.record(facts, material, "reused");
        return this.refuse(facts, ErrorCode.IdempotencyKeyReused, {
          message:
            "This Idempotency-Key was used with another request; send a new key for a new request.",
        });
      }
      if (entry?.state === "done") {
        if (entry.box === null) return this.refuseNotKept(facts, material);
        return this.replay(facts, material, entry.box, joined);
      }
      if (entry?.state === "pending" || Date.now() >= deadline) break;
      // Released (nothing was sent upstream) or lapsed: this request may claim it now.
    }
    this.record(facts, material, "in_progress");
    return this.refuse(facts, ErrorCode.IdempotencyInProgress, {
      retryAfter: IN_PROGRESS_RETRY_AFTER,
    });
  }

  /** The scope's name in the store: an HMAC under the store-key secret, never the label. */
  private storeScope(scope: string): string {
    let name = this.scopeNames.get(scope);
    if (name === undefined) {
      // Labels are the configured client keys and "anonymous"; the bound is only a backstop.
      if (this.scopeNames.size >= 10_000) this.scopeNames.clear();
      name = scopeName(this.settings.keySecret, scope);
      this.scopeNames.set(scope, name);
    }
    return name;
  }

  /** Waits for the request holding `index`, counted among the key's joins meanwhile. */
  private async settledAsJoin(index: string, deadline: number): Promise<Entry | null> {
    this.joins.set(index, (this.joins.get(index) ?? 0) + 1);
    try {
      return await this.store.settled(index, deadline);
    } finally {
      const left = this.joins.get(index)! - 1;
      if (left > 0) this.joins.set(index, left);
      else this.joins.delete(index);
    }
  }

  /** The first request ran (it may have reached Belvo) but its answer was not kept. */
  private refuseNotKept(facts: RequestFacts, material: KeyMaterial): Decision {
    this.record(facts, material, "not_kept");
    return this.refuse(facts, ErrorCode.IdempotencyAnswerNotKept, {
      message:
        "The request with this Idempotency-Key already ran, but its answer was too large to keep " +
        "(or was set aside for others); it is not run again. Read the result instead (e.g. the link).",
    });
  }

  /** The client keeps as many entries as it may, none old enough to go: nothing was sent. */
  private refuseFull(facts: RequestFacts, material: KeyMaterial, retryAfterMs: number): Decision {
    this.record(facts, material, "full");
    return this.refuse(facts, ErrorCode.RateLimited, {
      message:
        "This client key holds as many idempotent requests as the gateway keeps for one client; " +
        "nothing was sent upstream. Retry after `retryAfter` seconds.",
      retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    });
  }

  private replay(facts: RequestFacts, material: KeyMaterial, box: Box, joined: boolean): Decision {
    const text = typeof box === "string" ? box : open(material, box);
    if (text === null) throw new Error("a stored answer could not be opened");
    const answer = decodeAnswer(text);
    this.record(facts, material, joined ? "joined" : "replayed");
    return {
      kind: "answer",
      status: answer.status,
      headers: { "content-type": answer.contentType, "idempotent-replayed": "true" },
      body: answer.body,
    };
  }

  private owned(
    facts: RequestFacts,
    material: KeyMaterial,
    print: string,
    owner: string,
  ): OwnedClaim {
    return {
      keyHash: keyHash(material),
      finish: async (answer, wroteUpstream, mfaExpirySeconds) => {
        if (!wroteUpstream) {
          // Unreleased, the claim lapses with its lease; the answer still goes to the client.
          await this.store.release(material.index, owner).then(
            () => this.record(facts, material, "released"),
            (error: unknown) =>
              facts.logger.warn(
                {
                  idempotency: { keyHash: keyHash(material), outcome: "not_released" },
                  err: { message: error instanceof Error ? error.message : String(error) },
                },
                "idempotency: the claim could not be released",
              ),
          );
          return;
        }
        if (mfaExpirySeconds !== null) {
          this.longestSessionMs = Math.max(this.longestSessionMs, mfaExpirySeconds * 1000);
        }
        const ttlMs = Math.max(this.settings.ttlMs, this.longestSessionMs);
        await this.completeWithRetries(
          facts,
          material,
          print,
          this.store.sealsAnswers ? seal(material, encodeAnswer(answer)) : encodeAnswer(answer),
          ttlMs,
        );
      },
    };
  }

  /** Storing is what keeps the token from being sent twice: a failed write is tried again. */
  private async completeWithRetries(
    facts: RequestFacts,
    material: KeyMaterial,
    print: string,
    box: Box,
    ttlMs: number,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const kept = await this.store.complete(
          material.index,
          print,
          box,
          ttlMs,
          this.storeScope(facts.scope),
        );
        this.record(facts, material, kept ? "stored" : "outcome_only");
        return;
      } catch (error) {
        if (attempt === 3) {
          facts.logger.error(
            {
              idempotency: { keyHash: keyHash(material), outcome: "not_stored" },
              err: { message: error instanceof Error ? error.message : String(error) },
            },
            "idempotency: the answer could not be stored",
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /**
   * Counts every outcome; logs those that answer without running (a replay, a join, a refusal).
   * A request that runs under its key is logged once, by its operation's line (which carries the
   * key's hash), and again only when its answer could not be stored or its claim released: one
   * line per request on the busy path, as without a key.
   */
  private record(facts: RequestFacts, material: KeyMaterial, outcome: IdempotencyOutcome): void {
    this.metrics.recordIdempotency(outcome);
    if (outcome === "claimed" || outcome === "stored" || outcome === "released") return;
    facts.logger.info({ idempotency: { keyHash: keyHash(material), outcome } }, "idempotency");
  }

  private refuse(
    facts: RequestFacts,
    code: RefusalCode,
    { message, retryAfter }: { message?: string; retryAfter?: number },
  ): Decision {
    const extensions = retryAfter === undefined ? {} : { retryAfter, retryable: true };
    return {
      kind: "answer",
      ...refusalAnswer({ code, message, extensions }, facts.ids, facts.accept),
    };
  }
}

export type IdempotencyOutcome =
  | "claimed"
  | "stored"
  | "released"
  | "joined"
  | "replayed"
  | "reused"
  | "in_progress"
  /** The answer was too large to keep: only its outcome is, a retry is refused. */
  | "outcome_only"
  /** A retry refused: the first request's answer was not kept. */
  | "not_kept"
  /** A claim refused: the client keeps as many entries as it may. */
  | "full";

/**
 * Status and content type on a line each, then the body as sent: no JSON around a JSON body
 * (escaping it would cost more than sealing it). A header value holds no line break.
 */
function encodeAnswer({ status, contentType, body }: StoredAnswer): string {
  return `${status}\n${contentType}\n${body}`;
}

function decodeAnswer(text: string): StoredAnswer {
  const first = text.indexOf("\n");
  const second = text.indexOf("\n", first + 1);
  if (first < 0 || second < 0) throw new Error("a stored answer is not in the expected form");
  return {
    status: Number(text.slice(0, first)),
    contentType: text.slice(first + 1, second),
    body: text.slice(second + 1),
  };
}

function keyHash(material: KeyMaterial): string {
  return material.index.slice(0, 16);
}
