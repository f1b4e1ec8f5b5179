/**
 * A typed client for belvo-graphql-gateway, for frontends and scripts. Every MFA step answers the
 * discriminated union, so `switch (result.__typename)` is exhaustive; every failure is one
 * GatewayClientError, whose message and fields never hold the variables sent (a token, a password).
 */
import { print } from "graphql";
import { ClientError, GraphQLClient } from "graphql-request";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import {
  AccountsDocument,
  CreateWidgetTokenDocument,
  DeleteLinkDocument,
  RefreshLinkDocument,
  SetLinkAccessModeDocument,
  UpdateLinkDocument,
  type CreateWidgetTokenInput,
  type CreateWidgetTokenMutation,
  type DeleteLinkInput,
  type DeleteLinkMutation,
  type RefreshLinkInput,
  type RefreshLinkMutation,
  type SetLinkAccessModeInput,
  type SetLinkAccessModeMutation,
  type UpdateLinkInput,
  type UpdateLinkMutation,
} from "./generated.js";
import {
  BalancesDocument,
  InstitutionDocument,
  InstitutionsDocument,
  LinksDocument,
  OwnersDocument,
  TransactionsDocument,
  KeptLinkEventsDocument,
  LinkAccountsDocument,
  LinkDocument,
  RegisterLinkDocument,
  ResumeAccountsDocument,
  ResumeBalancesDocument,
  ResumeLinkDocument,
  ResumeOwnersDocument,
  ResumeTransactionsDocument,
  RetrieveAccountsDocument,
  RetrieveBalancesDocument,
  RetrieveOwnersDocument,
  RetrieveTransactionsDocument,
  type AccountsQuery,
  type AccountsQueryVariables,
  type BalancesQuery,
  type BalancesQueryVariables,
  type InstitutionQuery,
  type LinksQuery,
  type LinksQueryVariables,
  type OwnersQuery,
  type OwnersQueryVariables,
  type TransactionsQuery,
  type TransactionsQueryVariables,
  type InstitutionsQuery,
  type KeptLinkEventsQuery,
  type LinkAccountsQuery,
  type LinkQuery,
  type RegisterLinkInput,
  type RegisterLinkMutation,
  type ResumeAccountsInput,
  type ResumeAccountsMutation,
  type ResumeBalancesInput,
  type ResumeBalancesMutation,
  type ResumeLinkInput,
  type ResumeLinkMutation,
  type ResumeOwnersInput,
  type ResumeOwnersMutation,
  type ResumeTransactionsInput,
  type ResumeTransactionsMutation,
  type RetrieveAccountsInput,
  type RetrieveAccountsMutation,
  type RetrieveBalancesInput,
  type RetrieveBalancesMutation,
  type RetrieveOwnersInput,
  type RetrieveOwnersMutation,
  type RetrieveTransactionsInput,
  type RetrieveTransactionsMutation,
} from "./generated.js";
import fragmentMatcher from "./possible-types.js";
import { GATEWAY_RETRYABLE_CODES } from "./retryable-codes.js";
import { subscribeLinkEvents, type LinkEvent, type SubscribeLinkEventsOptions } from "./events.js";
import {
  neverConnected,
  newIdempotencyKey,
  withRetries,
  type RetryNotice,
  type RetryOptions as BaseRetryOptions,
} from "./retry.js";
import {
  ConfigurationProblem,
  NotGraphQL,
  Unreachable,
  checkApiKey,
  endpointUrl,
  shown,
  sortingFetch,
} from "./transport.js";

export type * from "./generated.js";
export { LinkEventsError, type LinkEvent, type SubscribeLinkEventsOptions } from "./events.js";
export { newIdempotencyKey } from "./retry.js";

/**
 * Each union's members, for Apollo Client: `new InMemoryCache({ possibleTypes })` lets fragments on
 * `Link`, `MfaChallenge` and `BalanceList` match inside the unions.
 */
export const possibleTypes = fragmentMatcher.possibleTypes;

/**
 * A result that may be partial: when the gateway answered data *and* errors (one Belvo item it
 * could not read is `null` in its list, with an error at its path), `partialErrors` holds those
 * errors; it is absent when the answer had none. A call without data for its operation throws.
 */
export type MaybePartial<T> = T extends object
  ? T & { readonly partialErrors?: readonly GatewayErrorEntry[] }
  : T;

export type LinkResult = MaybePartial<ResumeLinkMutation["resumeLink"]>;
export type RegisterLinkResult = MaybePartial<RegisterLinkMutation["registerLink"]>;
export type BalancesResult = MaybePartial<ResumeBalancesMutation["resumeBalances"]>;
export type RetrieveBalancesResult = MaybePartial<RetrieveBalancesMutation["retrieveBalances"]>;
export type AccountsResult = MaybePartial<ResumeAccountsMutation["resumeAccounts"]>;
export type RetrieveAccountsResult = MaybePartial<RetrieveAccountsMutation["retrieveAccounts"]>;
export type TransactionsResult = MaybePartial<ResumeTransactionsMutation["resumeTransactions"]>;
export type RetrieveTransactionsResult = MaybePartial<
  RetrieveTransactionsMutation["retrieveTransactions"]
>;
export type OwnersResult = MaybePartial<ResumeOwnersMutation["resumeOwners"]>;
export type RetrieveOwnersResult = MaybePartial<RetrieveOwnersMutation["retrieveOwners"]>;
/** `null` when Belvo has no such link. */
export type LinkQueryResult = MaybePartial<LinkQuery["link"]>;
export type LinkAccountsResult = MaybePartial<LinkAccountsQuery["link"]>;
/** What Belvo saved: `balances(link:)`. */
export type SavedBalancesResult = MaybePartial<BalancesQuery["balances"]>;
export type InstitutionsResult = MaybePartial<InstitutionsQuery["institutions"]>;
/** One page of what Belvo saved: `edges` (a node Belvo garbled is null), `pageInfo`, `totalCount`. */
export type TransactionsPage = MaybePartial<TransactionsQuery["transactions"]>;
export type AccountsPage = MaybePartial<AccountsQuery["accounts"]>;
export type OwnersPage = MaybePartial<OwnersQuery["owners"]>;
export type LinksPage = MaybePartial<LinksQuery["links"]>;
export type InstitutionResult = MaybePartial<InstitutionQuery["institution"]>;

/** The paged queries, by name: their variables and their page (for `pages`). */
export interface PagedQueries {
  transactions: { variables: TransactionsQueryVariables; page: TransactionsPage };
  accounts: { variables: AccountsQueryVariables; page: AccountsPage };
  owners: { variables: OwnersQueryVariables; page: OwnersPage };
  links: { variables: LinksQueryVariables; page: LinksPage };
}

export type Challenge = Extract<ResumeLinkMutation["resumeLink"], { __typename: "MfaChallenge" }>;
/** The updated link, or a challenge answered with `resumeLink`. */
export type UpdateLinkResult = MaybePartial<UpdateLinkMutation["updateLink"]>;
/** `RefreshAccepted { link requestId }`, or a challenge (its `requestId` left out: see operations.graphql). */
export type RefreshLinkResult = MaybePartial<RefreshLinkMutation["refreshLink"]>;
export type SetLinkAccessModeResult = MaybePartial<SetLinkAccessModeMutation["setLinkAccessMode"]>;
export type DeleteLinkResult = MaybePartial<DeleteLinkMutation["deleteLink"]>;
/** Hand `access` to Belvo's Connect widget before `expiresAt`. */
export type WidgetTokenResult = MaybePartial<CreateWidgetTokenMutation["createWidgetToken"]>;

export interface UpstreamDetails {
  status: number | null;
  code: string | null;
  requestId: string | null;
}

/** One error of the gateway's answer; an answer can carry several (one per bad field, say). */
export interface GatewayErrorEntry {
  message: string;
  code: string;
  /** The input field it is about, as a path such as `input.token`; null when it is about none. */
  field: string | null;
  /** Where in the answer it arose, e.g. `["resumeLink"]`. */
  path: readonly (string | number)[] | null;
}

export interface GatewayClientErrorDetails {
  code: string;
  retryable: boolean;
  field?: string | null;
  upstream?: UpstreamDetails | null;
  requestId?: string | null;
  retryAfter?: number | null;
  status?: number | null;
  errors?: readonly GatewayErrorEntry[];
  reason?: string | null;
}

/**
 * Why a call failed: the gateway's `extensions.code` (of its first error; `errors` has them all),
 * or one of the client's own: NETWORK_ERROR (nothing answered; retryable), NOT_GRAPHQL (something
 * answered, but not GraphQL: a wrong URL or a proxy's page), CONFIGURATION_ERROR (thrown by the
 * constructor: an unusable URL or key).
 */
export class GatewayClientError extends Error {
  override readonly name = "GatewayClientError";
  readonly code: string;
  readonly retryable: boolean;
  /** The input field the (first) error is about, e.g. `input.token`. */
  readonly field: string | null;
  readonly upstream: UpstreamDetails | null;
  readonly requestId: string | null;
  /** Seconds to wait, for RATE_LIMITED. */
  readonly retryAfter: number | null;
  /** The HTTP status, when one arrived. */
  readonly status: number | null;
  /** Every error of the answer, in its order; empty when there was no GraphQL answer. */
  readonly errors: readonly GatewayErrorEntry[];
  /**
   * NETWORK_ERROR only: what the system said (`ECONNREFUSED`, `ENOTFOUND`,
   * `UND_ERR_CONNECT_TIMEOUT`, `ECONNRESET`…), or `fetch failed` where it says nothing (browsers).
   */
  readonly reason: string | null;

  constructor(message: string, details: GatewayClientErrorDetails) {
    super(message);
    this.code = details.code;
    this.retryable = details.retryable;
    this.field = details.field ?? null;
    this.upstream = details.upstream ?? null;
    this.requestId = details.requestId ?? null;
    this.retryAfter = details.retryAfter ?? null;
    this.status = details.status ?? null;
    this.errors = details.errors ?? [];
    this.reason = details.reason ?? null;
  }
}

/** How writes retry; `onRetry` is told each retry with the error that caused it. */
export type RetryOptions = BaseRetryOptions<GatewayClientError>;
export type RetryEvent = RetryNotice<GatewayClientError>;

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` when the gateway requires client keys. */
  apiKey?: string;
  fetch?: typeof fetch;
  /**
   * Writes retry with the same Idempotency-Key after a network failure, 502/503/504,
   * SHUTTING_DOWN, GUARD_UNAVAILABLE or IDEMPOTENCY_IN_PROGRESS: for `unreachableMs` (10 s) while
   * no attempt reached the gateway, else within `deadlineMs` (360 s); `onRetry` is told before
   * each retry. `false`: one attempt only.
   */
  retry?: RetryOptions | false;
}

/** Per write call. */
export interface WriteOptions {
  /** The Idempotency-Key to send (and retry with); a fresh random one by default. */
  idempotencyKey?: string;
}

/** The gateway's retryable codes (generated from its errors table), and the client's own. */
const RETRYABLE_CODES = new Set<string>([...GATEWAY_RETRYABLE_CODES, "NETWORK_ERROR"]);

/** A proxy in front of the gateway says it is down for now: worth another try later. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

interface ErrorShape {
  message?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}

function entryOf(error: ErrorShape): GatewayErrorEntry {
  const extensions = error.extensions ?? {};
  return {
    message: typeof error.message === "string" ? error.message : "",
    code: typeof extensions.code === "string" ? extensions.code : "UNKNOWN",
    field: typeof extensions.field === "string" ? extensions.field : null,
    path: Array.isArray(error.path) ? (error.path as (string | number)[]) : null,
  };
}

/** The gateway's GraphQL errors, all of them, in the error's fields. */
function fromGraphQLErrors(errors: ErrorShape[], status: number): GatewayClientError {
  const entries = errors.map(entryOf);
  const first = entries[0]!;
  const extensions = errors[0]!.extensions ?? {};
  return new GatewayClientError(first.message || `The gateway answered HTTP ${status}.`, {
    code: first.code,
    retryable:
      typeof extensions.retryable === "boolean"
        ? extensions.retryable
        : RETRYABLE_CODES.has(first.code),
    field: first.field,
    upstream: (extensions.upstream as UpstreamDetails | undefined) ?? null,
    requestId: typeof extensions.requestId === "string" ? extensions.requestId : null,
    retryAfter: typeof extensions.retryAfter === "number" ? extensions.retryAfter : null,
    status,
    errors: entries,
  });
}

function notGraphQL(url: URL, status: number | null, contentType: string | null) {
  const what =
    status === null
      ? "an answer that is not a GraphQL response"
      : `HTTP ${status} with ${contentType ? contentType.split(";")[0]!.trim() : "no content type"}`;
  return new GatewayClientError(
    `The server at ${shown(url)} answered ${what}, not GraphQL: is this the gateway's /graphql URL?`,
    {
      code: "NOT_GRAPHQL",
      retryable: status !== null && RETRYABLE_STATUSES.has(status),
      status,
    },
  );
}

/**
 * graphql-request's ClientError puts the request's variables in its message; this keeps only
 * what the gateway said, which never holds them.
 */
function toGatewayClientError(error: unknown, url: URL): GatewayClientError {
  if (error instanceof Unreachable)
    return new GatewayClientError(
      `The gateway at ${shown(url)} could not be reached (${error.reason}).`,
      { code: "NETWORK_ERROR", retryable: true, reason: error.reason },
    );
  if (error instanceof NotGraphQL) return notGraphQL(url, error.status, error.contentType);
  if (error instanceof ClientError) {
    const errors = error.response.errors as ErrorShape[] | undefined;
    if (Array.isArray(errors) && errors.length > 0)
      return fromGraphQLErrors(errors, error.response.status);
    return notGraphQL(url, error.response.status, error.response.headers.get("content-type"));
  }
  // graphql-request could not read the JSON as a GraphQL response.
  return notGraphQL(url, null, null);
}

/** The value, with the errors that came beside it as an own, enumerable `partialErrors`. */
function withPartialErrors<T>(value: T, errors: GatewayErrorEntry[]): MaybePartial<T> {
  // An object or an array: the generated types allow nothing else for a non-null root field.
  return Object.assign(value as object, { partialErrors: errors }) as MaybePartial<T>;
}

function configurationError(problem: ConfigurationProblem): GatewayClientError {
  return new GatewayClientError(problem.message, { code: "CONFIGURATION_ERROR", retryable: false });
}

export class BelvoGatewayClient {
  private readonly client: GraphQLClient;
  private readonly url: URL;
  private readonly retry: RetryOptions | false;
  private readonly options: ClientOptions;

  /** Throws a CONFIGURATION_ERROR GatewayClientError for a URL or key it cannot use. */
  constructor(endpoint: string, options: ClientOptions = {}) {
    try {
      this.url = endpointUrl(endpoint);
      checkApiKey(options.apiKey);
    } catch (error) {
      throw error instanceof ConfigurationProblem ? configurationError(error) : error;
    }
    this.retry = options.retry ?? {};
    this.options = options;
    this.client = new GraphQLClient(this.url.href, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      fetch: sortingFetch(options.fetch),
      // Errors beside data are partial results, kept: send() decides what throws.
      errorPolicy: "all",
    });
  }

  /**
   * The link's events as they arrive (Server-Sent Events at `<endpoint>/stream`), reconnecting
   * with `after` (the last event's cursor) when the stream drops or the gateway drains. Returns the
   * function that ends the subscription.
   */
  subscribeLinkEvents(
    link: string,
    onEvent: (event: LinkEvent) => void,
    options: SubscribeLinkEventsOptions = {},
  ): () => void {
    const { apiKey, fetch } = this.options;
    const url = `${this.url.href.replace(/\/$/, "")}/stream`;
    return subscribeLinkEvents({ url, apiKey, fetch }, link, onEvent, options);
  }

  registerLink(input: RegisterLinkInput, options: WriteOptions = {}): Promise<RegisterLinkResult> {
    return this.write(RegisterLinkDocument, { input }, "registerLink", options);
  }

  resumeLink(input: ResumeLinkInput, options: WriteOptions = {}): Promise<LinkResult> {
    return this.write(ResumeLinkDocument, { input }, "resumeLink", options);
  }

  retrieveBalances(
    input: RetrieveBalancesInput,
    options: WriteOptions = {},
  ): Promise<RetrieveBalancesResult> {
    return this.write(RetrieveBalancesDocument, { input }, "retrieveBalances", options);
  }

  resumeBalances(input: ResumeBalancesInput, options: WriteOptions = {}): Promise<BalancesResult> {
    return this.write(ResumeBalancesDocument, { input }, "resumeBalances", options);
  }

  retrieveAccounts(
    input: RetrieveAccountsInput,
    options: WriteOptions = {},
  ): Promise<RetrieveAccountsResult> {
    return this.write(RetrieveAccountsDocument, { input }, "retrieveAccounts", options);
  }

  resumeAccounts(input: ResumeAccountsInput, options: WriteOptions = {}): Promise<AccountsResult> {
    return this.write(ResumeAccountsDocument, { input }, "resumeAccounts", options);
  }

  retrieveTransactions(
    input: RetrieveTransactionsInput,
    options: WriteOptions = {},
  ): Promise<RetrieveTransactionsResult> {
    return this.write(RetrieveTransactionsDocument, { input }, "retrieveTransactions", options);
  }

  resumeTransactions(
    input: ResumeTransactionsInput,
    options: WriteOptions = {},
  ): Promise<TransactionsResult> {
    return this.write(ResumeTransactionsDocument, { input }, "resumeTransactions", options);
  }

  retrieveOwners(
    input: RetrieveOwnersInput,
    options: WriteOptions = {},
  ): Promise<RetrieveOwnersResult> {
    return this.write(RetrieveOwnersDocument, { input }, "retrieveOwners", options);
  }

  resumeOwners(input: ResumeOwnersInput, options: WriteOptions = {}): Promise<OwnersResult> {
    return this.write(ResumeOwnersDocument, { input }, "resumeOwners", options);
  }

  /** New credentials for a link (INVALID, TOKEN_REQUIRED): the link, or a challenge for resumeLink. */
  updateLink(input: UpdateLinkInput, options: WriteOptions = {}): Promise<UpdateLinkResult> {
    return this.write(UpdateLinkDocument, { input }, "updateLink", options);
  }

  /** Loads a link's data again; within Belvo's cooldown a RATE_LIMITED error with `retryAfter`. */
  refreshLink(input: RefreshLinkInput, options: WriteOptions = {}): Promise<RefreshLinkResult> {
    return this.write(RefreshLinkDocument, { input }, "refreshLink", options);
  }

  setLinkAccessMode(
    input: SetLinkAccessModeInput,
    options: WriteOptions = {},
  ): Promise<SetLinkAccessModeResult> {
    return this.write(SetLinkAccessModeDocument, { input }, "setLinkAccessMode", options);
  }

  /** Deletes the link at Belvo; `link(id)` is null afterwards. */
  deleteLink(input: DeleteLinkInput, options: WriteOptions = {}): Promise<DeleteLinkResult> {
    return this.write(DeleteLinkDocument, { input }, "deleteLink", options);
  }

  /** A token for Belvo's Connect widget (with `link`: the widget reconnects that link). */
  createWidgetToken(
    input: CreateWidgetTokenInput = {},
    options: WriteOptions = {},
  ): Promise<WidgetTokenResult> {
    return this.write(CreateWidgetTokenDocument, { input }, "createWidgetToken", options);
  }

  /** `null` when Belvo has no such link. */
  link(id: string): Promise<LinkQueryResult> {
    return this.send(LinkDocument, { id }, "link");
  }

  /** The link's kept events after `after` (a cursor; null: from the oldest kept), `first` at most. */
  keptLinkEvents(
    link: string,
    after: string | null = null,
    first = 100,
  ): Promise<MaybePartial<KeptLinkEventsQuery["linkEvents"]>> {
    return this.send(KeptLinkEventsDocument, { link, after, first }, "linkEvents");
  }

  /** The link and the accounts Belvo stored for it; `null` when Belvo has no such link. */
  linkAccounts(id: string): Promise<LinkAccountsResult> {
    return this.send(LinkAccountsDocument, { id }, "link");
  }

  /**
   * The balances Belvo saved for a link (`dateFrom`/`dateTo` bound `valueDate`, inclusive): how
   * to recover a retrieveBalances whose answer was lost.
   */
  balances(filter: BalancesQueryVariables): Promise<SavedBalancesResult> {
    return this.send(BalancesDocument, filter, "balances");
  }

  institutions(countryCode?: string): Promise<InstitutionsResult> {
    return this.send(InstitutionsDocument, { countryCode }, "institutions");
  }

  /**
   * One page of a link's transactions (`first`, 1 to 1000, default 100; `after`: the previous
   * page's `pageInfo.endCursor`, with the same other variables).
   */
  transactions(variables: TransactionsQueryVariables): Promise<TransactionsPage> {
    return this.send(TransactionsDocument, variables, "transactions");
  }

  accounts(variables: AccountsQueryVariables): Promise<AccountsPage> {
    return this.send(AccountsDocument, variables, "accounts");
  }

  owners(variables: OwnersQueryVariables): Promise<OwnersPage> {
    return this.send(OwnersDocument, variables, "owners");
  }

  links(variables: LinksQueryVariables = {}): Promise<LinksPage> {
    return this.send(LinksDocument, variables, "links");
  }

  /** `null` when Belvo knows no institution of that name. */
  institution(name: string): Promise<InstitutionResult> {
    return this.send(InstitutionDocument, { name }, "institution");
  }

  /**
   * Every page of a paged query, in order, from the first (or from `variables.after`) to the
   * last: `for await (const page of gateway.pages("transactions", { link, first: 1000 }))`. Each
   * page is one request, sent when the loop asks for it; a failure throws from the loop.
   */
  async *pages<Q extends keyof PagedQueries>(
    query: Q,
    variables: PagedQueries[Q]["variables"],
  ): AsyncGenerator<PagedQueries[Q]["page"], void, undefined> {
    const read = this[query].bind(this) as (
      variables: PagedQueries[Q]["variables"],
    ) => Promise<PagedQueries[Q]["page"]>;
    let after = variables.after ?? null;
    do {
      const page = await read({ ...variables, after });
      yield page;
      after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
    } while (after !== null);
  }

  /**
   * Sends one operation and answers its root field. Partial data beats no data: when the root
   * field has data, the answer's errors ride along in `partialErrors`; without data for it, the
   * errors are thrown as one GatewayClientError.
   */
  private async send<T, V extends Record<string, unknown>, K extends keyof T & string>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    root: K,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<MaybePartial<T[K]>> {
    let response: { data?: unknown; errors?: unknown; status: number };
    try {
      // print(document) is the text `request` would send, the one trusted-documents.json lists.
      response = await this.client.rawRequest<T, Record<string, unknown>>({
        query: print(document),
        variables,
        requestHeaders: headers,
        signal,
      });
    } catch (error) {
      throw toGatewayClientError(error, this.url);
    }
    const { data, status } = response;
    const errors = Array.isArray(response.errors) ? (response.errors as ErrorShape[]) : [];
    // JSON without `data` (a health check's {"status":"ok"}, say) is not a GraphQL answer.
    if (typeof data !== "object" || data === null) {
      if (errors.length > 0) throw fromGraphQLErrors(errors, status);
      throw notGraphQL(this.url, null, null);
    }
    const value = (data as Partial<T>)[root];
    if (errors.length === 0) {
      if (value === undefined) throw notGraphQL(this.url, null, null);
      return value as MaybePartial<T[K]>;
    }
    // A null root with errors is a failure, not "Belvo has none".
    if (value === undefined || value === null) throw fromGraphQLErrors(errors, status);
    return withPartialErrors(value, errors.map(entryOf));
  }

  /** A write: one Idempotency-Key for the call, and every retry sends that same key. */
  private write<T, V extends Record<string, unknown>, K extends keyof T & string>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    root: K,
    options: WriteOptions,
  ): Promise<MaybePartial<T[K]>> {
    const headers = { "idempotency-key": options.idempotencyKey ?? newIdempotencyKey() };
    if (this.retry === false) return this.send(document, variables, root, headers);
    return withRetries(
      (signal) => this.send(document, variables, root, headers, signal),
      (failure: GatewayClientError) => ({
        code: failure.code,
        status: failure.status,
        retryAfter: failure.retryAfter,
        mayHaveArrived: !(failure.code === "NETWORK_ERROR" && neverConnected(failure.reason ?? "")),
      }),
      this.retry,
    );
  }
}
