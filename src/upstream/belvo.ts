/** The gateway's only view of Belvo: typed calls in, schema objects or UpstreamErrors out. */
import type { Account } from "../types/account.type.js";
import type { Balance } from "../types/balance.type.js";
import type { AccessMode } from "../types/enums.js";
import type { Institution } from "../types/institution.type.js";
import type { Link } from "../types/link.type.js";
import { MfaChallenge } from "../types/mfa-challenge.type.js";
import { RetrievalAccepted } from "../types/retrieval-accepted.type.js";
import { UpstreamError, statusOnly } from "../errors.js";
import type { Log } from "../logger.js";
import type { RequestTrace } from "../tracing/tracing.js";
import { endpointLabel, type GatewayMetrics } from "../metrics.js";
import {
  BelvoHttp,
  UnsentCall,
  belvoRequestId,
  type HttpOptions,
  type Caller,
  type RawAnswer,
  type UpstreamCall,
  type WriteMethod,
} from "./belvo-http.js";
import { UnexpectedBody, isObject, parseJson, requiredObject, type Json } from "./json.js";
import { readable, type Unreadable } from "./read.js";
import {
  ACCOUNT_DECIMAL_KEYS,
  BALANCE_DECIMAL_KEYS,
  toAccount,
  toBalance,
} from "./data-mapping.js";
import { toInstitution, toLink } from "./mapping.js";
import {
  foreignNextError,
  stalledPageError,
  onHost,
  planPages,
  toRawPage,
  type Page,
  type PageItem,
  type RawPage,
} from "./pages.js";
import {
  LINKS,
  LINK_FIELDS,
  LINK_RESUME_FIELDS,
  RESUME_FIELDS,
  withoutEmpty,
  type DataResource,
  type MfaResource,
  type RetrieveRequest,
} from "./resources.js";

export type { DatedRetrieveRequest, RetrieveRequest } from "./resources.js";
import { interpretAnswer, interpretMfaAnswer, type Answer, type Sent } from "./outcome.js";

export interface ResumeRequest {
  session: string;
  link: string;
  token?: string | null;
}

export interface ResumeDataRequest extends ResumeRequest {
  saveData?: boolean | null;
}

export interface RegisterLinkRequest {
  institution: string;
  username: string;
  password: string;
  username2?: string | null;
  username3?: string | null;
  password2?: string | null;
  usernameType?: string | null;
  accessMode?: AccessMode | null;
  externalId?: string | null;
  credentialsStorage?: string | null;
  fetchResources?: readonly string[] | null;
  staleIn?: string | null;
  certificate?: string | null;
  privateKey?: string | null;
}

export interface SavedBalancesFilter {
  link: string;
  dateFrom?: string | null;
  dateTo?: string | null;
  account?: string | null;
}

export interface BelvoClientOptions extends HttpOptions {
  /** The clock for `expiresAt`; tests pin it. */
  now?: () => Date;
  /** For calls made outside any request; see forRequest. */
  logger: Log;
  metrics?: GatewayMetrics;
  /** Pages of one list followed in one call (default 100). */
  maxListPages?: number;
  /**
   * MAX_UPSTREAM_COST: a list's further pages (which the estimate before execution does not
   * count) are not read once the request has sent this many requests (default: no bound).
   */
  maxUpstreamCalls?: number;
  /** The most a link-status lookup after MFA_SESSION_EXPIRED may take (default 3 s). */
  linkStatusLookupMs?: number;
}

/** One log line and one histogram sample per Belvo call. Never logs a body. */
function observer(logger: Log, metrics: GatewayMetrics | undefined) {
  return ({ method, path, status, durationMs, text, failure }: UpstreamCall) => {
    metrics?.recordUpstream(endpointLabel(method, path), status, durationMs / 1000);
    logger.info(
      {
        upstream: {
          method,
          path: path.split("?")[0],
          status,
          durationMs: Math.round(durationMs),
          belvoRequestId: text === null ? null : belvoRequestId(text),
          failure,
        },
      },
      "belvo call",
    );
  };
}

/** Keys per list call: keeps URLs short; a DataLoader batch is cut to this size. */
export const MAX_KEYS_PER_LIST = 100;

/** What every request's client shares: the pool and the settings. */
interface Shared {
  http: BelvoHttp;
  origin: string;
  prefix: string;
  now: () => Date;
  /** Never quoted back from Belvo's messages, in any encoding. */
  keys: readonly string[];
  /** What a read sends: the keys, no input fields. */
  readSent: Sent;
  metrics: GatewayMetrics | undefined;
  timeoutMs: number;
  maxListPages: number;
  maxUpstreamCalls: number;
  linkStatusLookupMs: number;
}

export class BelvoClient {
  private readonly caller: Caller;
  /** Whether this request's client dispatched a POST/PATCH: from then on its outcome counts. */
  private wrote = false;
  /** The longest MFA session expiry (seconds) this request's client was given. */
  private longestExpiry: number | null = null;
  /** Requests this request's client sent Belvo (every attempt of a read counts). */
  private calls = 0;
  /**
   * Page and list reads started and not yet answered: each sends at least one request. Batches of
   * a lazy field start together (DataLoader dispatches them in one turn), before any is counted.
   */
  private readsInFlight = 0;

  private constructor(
    private readonly shared: Shared,
    logger: Log,
    /** Aborted when the client left: no further page is read for it. */
    private readonly clientGone?: () => boolean,
    trace?: RequestTrace,
  ) {
    const observe = observer(logger, shared.metrics);
    this.caller = {
      observe: (call) => {
        this.calls++;
        observe(call);
      },
      trace,
    };
  }

  static create(options: BelvoClientOptions): BelvoClient {
    const url = new URL(options.url);
    // The Basic header is base64 of "id:password": its forms are cut with the pair's.
    const keys = [
      options.secretId,
      options.secretPassword,
      `${options.secretId}:${options.secretPassword}`,
    ];
    const shared: Shared = {
      http: new BelvoHttp(options),
      origin: url.origin,
      prefix: url.pathname.replace(/\/+$/, ""),
      now: options.now ?? (() => new Date()),
      keys,
      readSent: { secrets: keys, fields: [] },
      metrics: options.metrics,
      timeoutMs: options.timeoutMs,
      maxListPages: options.maxListPages ?? 100,
      maxUpstreamCalls: options.maxUpstreamCalls ?? Number.POSITIVE_INFINITY,
      linkStatusLookupMs: options.linkStatusLookupMs ?? 3_000,
    };
    return new BelvoClient(shared, options.logger);
  }

  /** The most a link-status lookup after MFA_SESSION_EXPIRED may take (LINK_STATUS_LOOKUP_MS). */
  get linkStatusLookupMs(): number {
    return this.shared.linkStatusLookupMs;
  }

  /** True once a write (POST/PATCH/PUT/DELETE) was dispatched upstream by this request's client. */
  get wroteUpstream(): boolean {
    return this.wrote;
  }

  /** Requests sent to Belvo for this request so far: each attempt, answered or not. */
  get upstreamCalls(): number {
    return this.calls;
  }

  /** The longest `expiry` of the MFA challenges this request's client received, or null. */
  get longestMfaExpirySeconds(): number | null {
    return this.longestExpiry;
  }

  /** The same pool, logging each call with one request's logger (its request id), in its trace. */
  forRequest(logger: Log, clientGone?: () => boolean, trace?: RequestTrace): BelvoClient {
    return new BelvoClient(this.shared, logger, clientGone, trace);
  }

  registerLink(request: RegisterLinkRequest): Promise<Link | MfaChallenge> {
    const body = withoutEmpty({
      institution: request.institution,
      username: request.username,
      password: request.password,
      username2: request.username2,
      username3: request.username3,
      password2: request.password2,
      username_type: request.usernameType,
      access_mode: request.accessMode?.toLowerCase(),
      external_id: request.externalId,
      credentials_storage: request.credentialsStorage,
      fetch_resources: request.fetchResources,
      stale_in: request.staleIn,
      certificate: request.certificate,
      private_key: request.privateKey,
    });
    const secrets = [
      request.username,
      request.password,
      request.username2,
      request.username3,
      request.password2,
      request.certificate,
      request.privateKey,
    ];
    return this.start(LINKS, body, LINK_FIELDS, secrets);
  }

  /** POST: starts a data resource's retrieval; Belvo may pause it with a challenge. */
  retrieve<T, R extends RetrieveRequest>(
    resource: DataResource<T, R>,
    request: R,
  ): Promise<T | MfaChallenge> {
    return this.start(resource, resource.body(request), resource.fields, []);
  }

  /**
   * POST with `X-Belvo-Request-Mode: async`: Belvo answers 202 `{request_id}` and announces the
   * data by webhook (an event with the same request id). Any other answer reads as `retrieve`'s.
   */
  async retrieveAsync<T, R extends RetrieveRequest & { link: string }>(
    resource: DataResource<T, R>,
    request: R,
  ): Promise<T | MfaChallenge | RetrievalAccepted> {
    const path = this.shared.prefix + resource.path;
    this.wrote = true;
    let raw: RawAnswer;
    try {
      raw = await this.shared.http.write("POST", path, resource.body(request), this.caller, {
        "x-belvo-request-mode": "async",
      });
    } catch (error) {
      if (error instanceof UnsentCall) this.wrote = false;
      throw error;
    }
    const answer = this.answer(raw, resource.decimalKeys);
    const sent = this.sentWith([], resource.fields);
    if (answer.status !== 202) {
      return interpretMfaAnswer(answer, resource.toSuccess, this.shared.now(), sent);
    }
    return interpretAnswer(answer, (body) => acceptedRetrieval(body, request.link), sent);
  }

  /** GET /api/links/{id}/; null when Belvo answers 404. */
  async getLink(id: string): Promise<Link | null> {
    const raw = await this.shared.http.read(
      `${this.shared.prefix}/api/links/${encodeURIComponent(id)}/`,
      this.caller,
    );
    if (raw.status === 404) return null;
    return interpretAnswer(this.answer(raw), toLink, this.shared.readSent);
  }

  /** GET /api/balances/ with Belvo's filters, every page: what earlier retrievals saved. */
  async savedBalances(filter: SavedBalancesFilter): Promise<(Balance | Unreadable)[]> {
    const query = new URLSearchParams({ link: filter.link });
    if (filter.account) query.set("account", filter.account);
    if (filter.dateFrom) query.set("value_date__gte", filter.dateFrom);
    if (filter.dateTo) query.set("value_date__lte", filter.dateTo);
    query.set("page_size", "1000");
    const found = await this.list(
      `/api/balances/?${query.toString()}`,
      BALANCE_DECIMAL_KEYS,
      (item) => toBalance(item, 200),
    );
    return found.map((item) => item.value);
  }

  /** Every institution; one Belvo sent that cannot be read is an error in its place. */
  async institutions(countryCode: string | null): Promise<(Institution | Unreadable)[]> {
    const query = countryCode
      ? `?country_code=${encodeURIComponent(countryCode)}&page_size=1000`
      : "?page_size=1000";
    const found = await this.list(`/api/institutions/${query}`, [], toInstitution);
    return found.map((item) => item.value);
  }

  /** One list call for all names; results in key order, null for a name Belvo does not know. */
  async institutionsByName(names: readonly string[]): Promise<(Institution | Unreadable | null)[]> {
    const found = await this.list(
      `/api/institutions/${inFilter("name__in", names)}`,
      [],
      toInstitution,
    );
    return inKeyOrder(names, found, "name", (institution) => institution.name);
  }

  async accountsById(ids: readonly string[]): Promise<(Account | Unreadable | null)[]> {
    const found = await this.list(
      `/api/accounts/${inFilter("id__in", ids)}`,
      ACCOUNT_DECIMAL_KEYS,
      toAccount,
    );
    return inKeyOrder(ids, found, "id", (account) => account.id);
  }

  /** One list call for all links: each link's accounts, in key order. */
  async accountsByLink(links: readonly string[]): Promise<(Account | Unreadable)[][]> {
    const found = await this.list(
      `/api/accounts/?link__in=${links.map(encodeURIComponent).join(",")}&page_size=1000`,
      ACCOUNT_DECIMAL_KEYS,
      toAccount,
    );
    return links.map((link) =>
      found
        .filter((item) => keyOf(item, "link", (account) => account.linkId) === link)
        .map((item) => item.value),
    );
  }

  async linksById(ids: readonly string[]): Promise<(Link | Unreadable | null)[]> {
    const found = await this.list(`/api/links/${inFilter("id__in", ids)}`, [], toLink);
    return inKeyOrder(ids, found, "id", (link) => link.id);
  }

  /**
   * One page of a saved list (`GET path?filters`): the items `start` … `start + first - 1`, in
   * Belvo's order, in one GET whenever it can be (pages.ts `planPages`), at most two. Only
   * Belvo's own host is ever called: the page numbers are the gateway's, and a `next` that points
   * elsewhere ends the walk (`foreignNext`).
   */
  async page<T>(
    path: string,
    filters: URLSearchParams,
    { start, first }: { start: number; first: number },
    decimalKeys: readonly string[],
    toItem: (item: Json) => T,
  ): Promise<Page<T>> {
    const { size, pages } = planPages(start, first);
    const deadline = Date.now() + this.shared.timeoutMs;
    const items: PageItem<T>[] = [];
    const end = start + first;
    let last: RawPage = { count: 0, next: null, results: [] };
    let beyond = false;
    for (const number of pages) {
      const query = new URLSearchParams(filters);
      query.set("page", String(number));
      query.set("page_size", String(size));
      const raw = await this.counted(
        this.shared.http.read(
          `${this.shared.prefix}${path}?${query.toString()}`,
          this.caller,
          deadline,
        ),
      );
      // Belvo answers a page past the end 404 ("Invalid page."): the list ends before it.
      if (raw.status === 404 && number > 1) {
        last = { count: number === pages[0] ? start : last.count, next: null, results: [] };
        break;
      }
      last = interpretAnswer(this.answer(raw, decimalKeys), toRawPage, this.shared.readSent);
      const offset = (number - 1) * size;
      last.results.forEach((result, index) => {
        const position = offset + index;
        if (position >= start && position < end)
          items.push({ position, value: readable(() => toItem(result), 200) });
      });
      beyond = offset + last.results.length > end;
      if (beyond || last.next === null || !onHost(last.next, this.shared.origin)) break;
      if (offset + last.results.length >= end) break;
    }
    const foreign = !beyond && last.next !== null && !onHost(last.next, this.shared.origin);
    const more = beyond || (last.next !== null && !foreign);
    // More, but no item to name a cursor by: a walk could only start over (`after: null`).
    const stalled = more && items.length === 0;
    return {
      items,
      count: last.count,
      hasNextPage: more && !stalled,
      foreignNext: foreign ? foreignNextError() : stalled ? stalledPageError() : null,
    };
  }

  close(): Promise<void> {
    return this.shared.http.close();
  }

  /** A read counted in flight until it is answered (see `readsInFlight`). */
  private async counted(reading: Promise<RawAnswer>): Promise<RawAnswer> {
    this.readsInFlight++;
    try {
      return await reading;
    } finally {
      this.readsInFlight--;
    }
  }

  private answer(raw: RawAnswer, decimalKeys: readonly string[] = []): Answer {
    return { status: raw.status, body: parseJson(raw.text, decimalKeys) };
  }

  /** POST: starts a resource's retrieval (or a link); Belvo may pause it with a challenge. */
  private start<T>(
    resource: MfaResource<T>,
    body: Record<string, unknown>,
    fields: readonly string[],
    secrets: readonly (string | null | undefined)[],
  ): Promise<T | MfaChallenge> {
    return this.send("POST", resource, body, this.sentWith(secrets, fields));
  }

  /** PATCH `{session, token?, link, save_data?}`: answers a challenge; the same for every resource. */
  resume<T>(resource: MfaResource<T>, request: ResumeDataRequest): Promise<T | MfaChallenge> {
    const body = resource.saveData
      ? { ...resumeBody(request), save_data: request.saveData ?? true }
      : resumeBody(request);
    const fields = resource.saveData ? RESUME_FIELDS : LINK_RESUME_FIELDS;
    return this.send("PATCH", resource, body, this.sentWith([request.token], fields));
  }

  private send<T>(
    method: "POST" | "PATCH",
    resource: MfaResource<T>,
    body: Record<string, unknown>,
    sent: Sent,
  ): Promise<T | MfaChallenge> {
    return this.dispatch(
      method,
      this.shared.prefix + resource.path,
      body,
      resource.decimalKeys,
      (answer) => interpretMfaAnswer(answer, resource.toSuccess, this.shared.now(), sent),
    );
  }

  /**
   * A write on any path of Belvo's (a link's life: src/upstream/link-life.ts), sent once and its
   * answer read by `read`. With `keyPair`, the gateway's own key pair goes in the body as `id` and
   * `password` (Belvo's /api/token/); it is among the secrets never quoted back, as always.
   */
  writeTo<T>(
    method: WriteMethod,
    path: string,
    body: Record<string, unknown> | undefined,
    what: {
      secrets: readonly (string | null | undefined)[];
      fields: readonly string[];
      keyPair?: boolean;
    },
    read: (answer: Answer, sent: Sent, receivedAt: Date) => T,
  ): Promise<T> {
    const [id, password] = this.shared.keys;
    // In a body, the key pair is a value Belvo's validation may echo, in any spelling: it is
    // then one of the secrets whose every trace keeps Belvo's text out (`clearOf`).
    const secrets = what.keyPair ? [...what.secrets, id, password] : what.secrets;
    const sent = this.sentWith(secrets, what.fields);
    const sentBody = what.keyPair ? { id, password, ...body } : body;
    return this.dispatch(method, this.shared.prefix + path, sentBody, [], (answer) =>
      read(answer, sent, this.shared.now()),
    );
  }

  private async dispatch<T>(
    method: WriteMethod,
    path: string,
    body: Record<string, unknown> | undefined,
    decimalKeys: readonly string[],
    read: (answer: Answer) => T,
  ): Promise<T> {
    // From here on the call may reach Belvo: its outcome is what an idempotency key stores.
    this.wrote = true;
    let raw: RawAnswer;
    try {
      raw = await this.shared.http.write(method, path, body, this.caller);
    } catch (error) {
      // Never written: a retry under the same key may send it (nothing is stored).
      if (error instanceof UnsentCall) this.wrote = false;
      throw error;
    }
    const result = read(this.answer(raw, decimalKeys));
    if (result instanceof MfaChallenge && result.expiry !== null) {
      this.longestExpiry = Math.max(this.longestExpiry ?? 0, result.expiry);
    }
    return result;
  }

  /** What a write sent: the user's secrets (if any) and the gateway's keys, and the input's fields. */
  private sentWith(
    secrets: readonly (string | null | undefined)[],
    fields: readonly string[],
  ): Sent {
    const users = secrets.filter((secret): secret is string => Boolean(secret));
    return { secrets: [...users, ...this.shared.keys], fields, userSecrets: users };
  }

  /**
   * Every page of a Belvo list, following `next` on Belvo's own host only: at most
   * `maxListPages` pages, never one already read, all within one deadline, none once the
   * client has left, and no page (a batch's first included: a lazy field under a page of 1,000
   * items loads in ten batches of 100) once the request has sent, or started, `maxUpstreamCalls`.
   */
  private async list<T>(
    firstPath: string,
    decimalKeys: readonly string[],
    toItem: (item: Json) => T,
  ): Promise<Listed<T>[]> {
    const { http, maxListPages, maxUpstreamCalls, readSent } = this.shared;
    const deadline = Date.now() + this.shared.timeoutMs;
    const items: Listed<T>[] = [];
    const read = new Set<string>();
    let path: string | null = this.shared.prefix + firstPath;
    while (path !== null) {
      if (read.has(path))
        throw listError("pointed back to a page already read; the gateway stopped there");
      if (read.size === maxListPages)
        throw listError(`went on past ${maxListPages} pages; the gateway stopped following it`);
      if (this.clientGone?.()) throw listError("was left unread: the client is gone");
      if (this.calls + this.readsInFlight >= maxUpstreamCalls) {
        throw listError(
          `went on past what one operation may cost (MAX_UPSTREAM_COST, ${maxUpstreamCalls} requests); the gateway stopped following it`,
        );
      }
      read.add(path);
      const raw = await this.counted(http.read(path, this.caller, deadline));
      const page = interpretAnswer(this.answer(raw, decimalKeys), toPage, readSent);
      for (const raw of page.results) {
        items.push({ raw, value: readable(() => toItem(raw), 200) });
      }
      path = page.next === null ? null : this.samePath(page.next);
    }
    return items;
  }

  /** A `next` link must stay on the configured host: the Basic credentials go wherever it points. */
  private samePath(next: string): string {
    const url = new URL(next, this.shared.origin);
    if (url.origin !== this.shared.origin) {
      throw UpstreamError.unreadable(
        "Belvo's list pointed to another host; the gateway did not follow it.",
        statusOnly(200),
      );
    }
    return url.pathname + url.search;
  }
}

function listError(what: string): UpstreamError {
  return UpstreamError.unreadable(`Belvo's list ${what}.`, statusOnly(200));
}

function toPage(body: Json): { results: Json[]; next: string | null } {
  const object = requiredObject(body, "the list");
  if (!Array.isArray(object.results)) throw new UnexpectedBody('"results" is not a list');
  const next = object.next;
  if (next !== null && next !== undefined && typeof next !== "string")
    throw new UnexpectedBody('"next" is not a URL');
  return { results: object.results, next: next ?? null };
}

function inFilter(name: string, values: readonly string[]): string {
  return `?${name}=${values.map(encodeURIComponent).join(",")}&page_size=${MAX_KEYS_PER_LIST}`;
}

/** One item of a list: as Belvo sent it, and as read (or an error when it could not be). */
interface Listed<T> {
  raw: Json;
  value: T | Unreadable;
}

/** An item's key: from the item when it was read, else from Belvo's raw object, if there. */
function keyOf<T>(
  item: Listed<T>,
  rawKey: string,
  read: (value: T) => string | null | undefined,
): string | null {
  if (!(item.value instanceof Error)) return read(item.value) ?? null;
  const raw = isObject(item.raw) ? item.raw[rawKey] : undefined;
  return typeof raw === "string" ? raw : null;
}

/** Results in key order: null for a key Belvo did not list, an error for one it garbled. */
function inKeyOrder<T>(
  keys: readonly string[],
  found: readonly Listed<T>[],
  rawKey: string,
  read: (value: T) => string,
): (T | Unreadable | null)[] {
  const byKey = new Map(found.map((item) => [keyOf(item, rawKey, read), item.value]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** `{session, token?, link}`: the token key is left out, not null, when there is none. */
function resumeBody({ session, link, token }: ResumeRequest): Record<string, unknown> {
  return token == null ? { session, link } : { session, token, link };
}

/** Belvo's 202 to an asynchronous retrieval: `{request_id}` (the gateway reads nothing else). */
function acceptedRetrieval(body: Json, link: string): RetrievalAccepted {
  const requestId = isObject(body) ? body.request_id : undefined;
  if (typeof requestId !== "string" || requestId.length === 0 || requestId.length > 200) {
    throw new UnexpectedBody("a 202 without a request_id");
  }
  return Object.assign(new RetrievalAccepted(), { link, requestId });
}
