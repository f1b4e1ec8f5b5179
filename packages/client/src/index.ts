/**
 * A typed client for belvo-graphql-gateway, for frontends and scripts. Every MFA step answers the
 * discriminated union, so `switch (result.__typename)` is exhaustive; every failure is one
 * GatewayClientError, whose message and fields never hold the variables sent (a token, a password).
 */
import { ClientError, GraphQLClient } from "graphql-request";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import {
  InstitutionsDocument,
  LinkDocument,
  RegisterLinkDocument,
  ResumeBalancesDocument,
  ResumeLinkDocument,
  RetrieveBalancesDocument,
  type InstitutionsQuery,
  type LinkQuery,
  type RegisterLinkInput,
  type RegisterLinkMutation,
  type ResumeBalancesInput,
  type ResumeBalancesMutation,
  type ResumeLinkInput,
  type ResumeLinkMutation,
  type RetrieveBalancesInput,
  type RetrieveBalancesMutation,
} from "./generated.js";
import fragmentMatcher from "./possible-types.js";
import { newIdempotencyKey, withRetries, type RetryOptions } from "./retry.js";
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
export { newIdempotencyKey, type RetryOptions } from "./retry.js";

/**
 * Each union's members, for Apollo Client: `new InMemoryCache({ possibleTypes })` lets fragments on
 * `Link`, `MfaChallenge` and `BalanceList` match inside the unions.
 */
export const possibleTypes = fragmentMatcher.possibleTypes;

export type LinkResult = ResumeLinkMutation["resumeLink"];
export type BalancesResult = ResumeBalancesMutation["resumeBalances"];
export type Challenge = Extract<LinkResult, { __typename: "MfaChallenge" }>;

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
  }
}

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` when the gateway requires client keys. */
  apiKey?: string;
  fetch?: typeof fetch;
  /**
   * Writes retry with the same Idempotency-Key after a network failure, 502/503/504,
   * SHUTTING_DOWN, GUARD_UNAVAILABLE or IDEMPOTENCY_IN_PROGRESS, within `deadlineMs`; `false`:
   * one attempt only.
   */
  retry?: RetryOptions | false;
}

/** Per write call. */
export interface WriteOptions {
  /** The Idempotency-Key to send (and retry with); a fresh random one by default. */
  idempotencyKey?: string;
}

const RETRYABLE_CODES = new Set([
  "UPSTREAM_TIMEOUT",
  "UPSTREAM_UNAVAILABLE",
  "SHUTTING_DOWN",
  "GUARD_UNAVAILABLE",
  "NETWORK_ERROR",
  "IDEMPOTENCY_IN_PROGRESS",
]);

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
      { code: "NETWORK_ERROR", retryable: true },
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

function configurationError(problem: ConfigurationProblem): GatewayClientError {
  return new GatewayClientError(problem.message, { code: "CONFIGURATION_ERROR", retryable: false });
}

export class BelvoGatewayClient {
  private readonly client: GraphQLClient;
  private readonly url: URL;
  private readonly retry: RetryOptions | false;

  /** Throws a CONFIGURATION_ERROR GatewayClientError for a URL or key it cannot use. */
  constructor(endpoint: string, options: ClientOptions = {}) {
    try {
      this.url = endpointUrl(endpoint);
      checkApiKey(options.apiKey);
    } catch (error) {
      throw error instanceof ConfigurationProblem ? configurationError(error) : error;
    }
    this.retry = options.retry ?? {};
    this.client = new GraphQLClient(this.url.href, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      fetch: sortingFetch(options.fetch),
      errorPolicy: "none",
    });
  }

  registerLink(
    input: RegisterLinkInput,
    options: WriteOptions = {},
  ): Promise<RegisterLinkMutation["registerLink"]> {
    return this.write(RegisterLinkDocument, { input }, options).then((data) => data.registerLink);
  }

  resumeLink(input: ResumeLinkInput, options: WriteOptions = {}): Promise<LinkResult> {
    return this.write(ResumeLinkDocument, { input }, options).then((data) => data.resumeLink);
  }

  retrieveBalances(
    input: RetrieveBalancesInput,
    options: WriteOptions = {},
  ): Promise<RetrieveBalancesMutation["retrieveBalances"]> {
    return this.write(RetrieveBalancesDocument, { input }, options).then(
      (data) => data.retrieveBalances,
    );
  }

  resumeBalances(input: ResumeBalancesInput, options: WriteOptions = {}): Promise<BalancesResult> {
    return this.write(ResumeBalancesDocument, { input }, options).then(
      (data) => data.resumeBalances,
    );
  }

  link(id: string): Promise<LinkQuery["link"]> {
    return this.send(LinkDocument, { id }).then((data) => data.link);
  }

  institutions(countryCode?: string): Promise<InstitutionsQuery["institutions"]> {
    return this.send(InstitutionsDocument, { countryCode }).then((data) => data.institutions);
  }

  private async send<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    let data: T;
    try {
      // The public methods pin each document to its variables.
      data = await this.client.request<T>({ document, variables, requestHeaders: headers, signal });
    } catch (error) {
      throw toGatewayClientError(error, this.url);
    }
    // JSON without `data` (a health check's {"status":"ok"}, say) is not a GraphQL answer.
    if (typeof data !== "object" || data === null) throw notGraphQL(this.url, null, null);
    return data;
  }

  /** A write: one Idempotency-Key for the call, and every retry sends that same key. */
  private write<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    options: WriteOptions,
  ): Promise<T> {
    const headers = { "idempotency-key": options.idempotencyKey ?? newIdempotencyKey() };
    if (this.retry === false) return this.send(document, variables, headers);
    return withRetries(
      (signal) => this.send(document, variables, headers, signal),
      (error) => {
        const failure = error as GatewayClientError;
        return { code: failure.code, status: failure.status, retryAfter: failure.retryAfter };
      },
      this.retry,
    );
  }
}
