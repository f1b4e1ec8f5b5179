/** The gateway's only view of Belvo: typed calls in, schema objects or UpstreamErrors out. */
import type { AccountData } from "../types/account.type.js";
import type { Balance, BalanceList } from "../types/balance.type.js";
import type { AccessMode } from "../types/enums.js";
import type { InstitutionDetails } from "../types/institution.type.js";
import type { Link } from "../types/link.type.js";
import { MfaChallenge } from "../types/mfa-challenge.type.js";
import { ErrorCode, UpstreamError } from "../errors.js";
import type { Log } from "../logger.js";
import { endpointLabel, type GatewayMetrics } from "../metrics.js";
import { BelvoHttp, type HttpOptions, type RawAnswer, type UpstreamCall } from "./http.js";
import { UnexpectedBody, parseJson, requiredObject, type Json } from "./json.js";
import {
  BALANCE_DECIMAL_KEYS,
  toAccountData,
  toBalance,
  toBalanceList,
  toInstitutionDetails,
  toLink,
} from "./mapping.js";
import { interpretAnswer, interpretMfaAnswer, type Answer } from "./outcome.js";

export interface ResumeRequest {
  session: string;
  link: string;
  token?: string | null;
}

export interface RegisterLinkRequest {
  institution: string;
  username: string;
  password: string;
  username2?: string | null;
  password2?: string | null;
  usernameType?: string | null;
  accessMode?: AccessMode | null;
  externalId?: string | null;
  credentialsStorage?: string | null;
}

export interface RetrieveBalancesRequest {
  link: string;
  dateFrom: string;
  dateTo: string;
  account?: string | null;
  saveData?: boolean | null;
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
}

const BELVO_REQUEST_ID = /"request_id"\s*:\s*"([0-9a-f]{32})"/;

/** One log line and one histogram sample per Belvo call. Never logs a body. */
function observer(logger: Log, metrics: GatewayMetrics | undefined) {
  return ({ method, path, status, durationMs, text, failure }: UpstreamCall) => {
    metrics?.recordUpstream(endpointLabel(method, path), status, durationMs / 1000);
    const belvoRequestId = (text && BELVO_REQUEST_ID.exec(text)?.[1]) ?? null;
    logger.info(
      {
        upstream: {
          method,
          path: path.split("?")[0],
          status,
          durationMs: Math.round(durationMs),
          belvoRequestId,
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
  /** Never quoted back from Belvo's messages. */
  keys: readonly string[];
  metrics: GatewayMetrics | undefined;
}

export class BelvoClient {
  private readonly observe: (call: UpstreamCall) => void;
  /** Whether this request's client dispatched a POST/PATCH: from then on its outcome counts. */
  private wrote = false;
  /** The longest MFA session expiry (seconds) this request's client was given. */
  private longestExpiry: number | null = null;

  private constructor(
    private readonly shared: Shared,
    logger: Log,
  ) {
    this.observe = observer(logger, shared.metrics);
  }

  static create(options: BelvoClientOptions): BelvoClient {
    const url = new URL(options.url);
    const shared: Shared = {
      http: new BelvoHttp(options),
      origin: url.origin,
      prefix: url.pathname.replace(/\/+$/, ""),
      now: options.now ?? (() => new Date()),
      keys: [options.secretId, options.secretPassword],
      metrics: options.metrics,
    };
    return new BelvoClient(shared, options.logger);
  }

  /** True once a write (POST/PATCH) was dispatched upstream by this request's client. */
  get wroteUpstream(): boolean {
    return this.wrote;
  }

  /** The longest `expiry` of the MFA challenges this request's client received, or null. */
  get longestMfaExpirySeconds(): number | null {
    return this.longestExpiry;
  }

  /** The same pool, logging each call with one request's logger (its request id). */
  forRequest(logger: Log): BelvoClient {
    return new BelvoClient(this.shared, logger);
  }

  registerLink(request: RegisterLinkRequest): Promise<Link | MfaChallenge> {
    const body = withoutEmpty({
      institution: request.institution,
      username: request.username,
      password: request.password,
      username2: request.username2,
      password2: request.password2,
      username_type: request.usernameType,
      access_mode: request.accessMode?.toLowerCase(),
      external_id: request.externalId,
      credentials_storage: request.credentialsStorage,
    });
    return this.sendMfaStep(
      "POST",
      "/api/links/",
      body,
      [request.password, request.password2],
      [],
      toLink,
    );
  }

  resumeLink(request: ResumeRequest): Promise<Link | MfaChallenge> {
    return this.sendMfaStep(
      "PATCH",
      "/api/links/",
      resumeBody(request),
      [request.token],
      [],
      toLink,
    );
  }

  retrieveBalances(request: RetrieveBalancesRequest): Promise<BalanceList | MfaChallenge> {
    const body = withoutEmpty({
      link: request.link,
      date_from: request.dateFrom,
      date_to: request.dateTo,
      account: request.account,
      save_data: request.saveData ?? true,
    });
    return this.sendMfaStep(
      "POST",
      "/api/balances/",
      body,
      [],
      BALANCE_DECIMAL_KEYS,
      toBalanceList,
    );
  }

  resumeBalances(
    request: ResumeRequest & { saveData?: boolean | null },
  ): Promise<BalanceList | MfaChallenge> {
    const body = { ...resumeBody(request), save_data: request.saveData ?? true };
    return this.sendMfaStep(
      "PATCH",
      "/api/balances/",
      body,
      [request.token],
      BALANCE_DECIMAL_KEYS,
      toBalanceList,
    );
  }

  /** GET /api/links/{id}/; null when Belvo answers 404. */
  async getLink(id: string): Promise<Link | null> {
    const raw = await this.shared.http.read(
      `${this.shared.prefix}/api/links/${encodeURIComponent(id)}/`,
      this.observe,
    );
    if (raw.status === 404) return null;
    return interpretAnswer(this.answer(raw), toLink, this.shared.keys);
  }

  /** GET /api/balances/ with Belvo's filters, every page: what earlier retrievals saved. */
  savedBalances(filter: SavedBalancesFilter): Promise<Balance[]> {
    const query = new URLSearchParams({ link: filter.link });
    if (filter.account) query.set("account", filter.account);
    if (filter.dateFrom) query.set("value_date__gte", filter.dateFrom);
    if (filter.dateTo) query.set("value_date__lte", filter.dateTo);
    query.set("page_size", String(MAX_KEYS_PER_LIST));
    return this.list(`/api/balances/?${query.toString()}`, BALANCE_DECIMAL_KEYS, toBalance);
  }

  institutions(countryCode: string | null): Promise<InstitutionDetails[]> {
    const query = countryCode
      ? `?country_code=${encodeURIComponent(countryCode)}&page_size=1000`
      : "?page_size=1000";
    return this.list(`/api/institutions/${query}`, [], toInstitutionDetails);
  }

  /** One list call for all names; results in key order, null for a name Belvo does not know. */
  async institutionsByName(names: readonly string[]): Promise<(InstitutionDetails | null)[]> {
    const found = await this.list(
      `/api/institutions/${inFilter("name__in", names)}`,
      [],
      toInstitutionDetails,
    );
    return inKeyOrder(names, found, (institution) => institution.name);
  }

  async accountsById(ids: readonly string[]): Promise<(AccountData | null)[]> {
    const found = await this.list(
      `/api/accounts/${inFilter("id__in", ids)}`,
      BALANCE_DECIMAL_KEYS,
      toAccountData,
    );
    return inKeyOrder(ids, found, (account) => account.id);
  }

  async linksById(ids: readonly string[]): Promise<(Link | null)[]> {
    const found = await this.list(`/api/links/${inFilter("id__in", ids)}`, [], toLink);
    return inKeyOrder(ids, found, (link) => link.id);
  }

  close(): Promise<void> {
    return this.shared.http.close();
  }

  private answer(raw: RawAnswer, decimalKeys: readonly string[] = []): Answer {
    return { status: raw.status, body: parseJson(raw.text, decimalKeys) };
  }

  private async sendMfaStep<T>(
    method: "POST" | "PATCH",
    path: string,
    body: Record<string, unknown>,
    secrets: readonly (string | null | undefined)[],
    decimalKeys: readonly string[],
    toSuccess: (body: Json, status: number) => T,
  ): Promise<T | MfaChallenge> {
    this.wrote = true;
    const raw = await this.shared.http.write(method, this.shared.prefix + path, body, this.observe);
    const sent = secrets.filter((secret): secret is string => Boolean(secret));
    const result = interpretMfaAnswer(this.answer(raw, decimalKeys), toSuccess, this.shared.now(), [
      ...sent,
      ...this.shared.keys,
    ]);
    if (result instanceof MfaChallenge && result.expiry !== null) {
      this.longestExpiry = Math.max(this.longestExpiry ?? 0, result.expiry);
    }
    return result;
  }

  /** Every page of a Belvo list, following `next` on Belvo's own host only. */
  private async list<T>(
    firstPath: string,
    decimalKeys: readonly string[],
    toItem: (item: Json) => T,
  ): Promise<T[]> {
    const items: T[] = [];
    let path: string | null = this.shared.prefix + firstPath;
    while (path !== null) {
      const page: { results: Json[]; next: string | null } = interpretAnswer(
        this.answer(await this.shared.http.read(path, this.observe), decimalKeys),
        toPage,
        this.shared.keys,
      );
      items.push(...page.results.map(toItem));
      path = page.next === null ? null : this.samePath(page.next);
    }
    return items;
  }

  /** A `next` link must stay on the configured host: the Basic credentials go wherever it points. */
  private samePath(next: string): string {
    const url = new URL(next, this.shared.origin);
    if (url.origin !== this.shared.origin) {
      throw new UpstreamError(
        "Belvo's list pointed to another host; the gateway did not follow it.",
        ErrorCode.UpstreamError,
        { status: 200, code: null, requestId: null },
        false,
      );
    }
    return url.pathname + url.search;
  }
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

function inKeyOrder<T>(
  keys: readonly string[],
  found: readonly T[],
  keyOf: (item: T) => string,
): (T | null)[] {
  const byKey = new Map(found.map((item) => [keyOf(item), item]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** `{session, token?, link}`: the token key is left out, not null, when there is none. */
function resumeBody({ session, link, token }: ResumeRequest): Record<string, unknown> {
  return token == null ? { session, link } : { session, token, link };
}

/** Optional fields are left out rather than sent as null. */
function withoutEmpty(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([, value]) => value !== undefined && value !== null),
  );
}
