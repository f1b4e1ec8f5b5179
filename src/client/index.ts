/**
 * A typed client for belvo-graphql-gateway, for frontends and scripts. Every MFA step answers the
 * discriminated union, so `switch (result.__typename)` is exhaustive; every failure is one
 * GatewayError, whose message and fields never hold the variables sent (a token, a password).
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
import { newIdempotencyKey, withRetries, type RetryOptions } from "./retry.js";

export type * from "./generated.js";
export { newIdempotencyKey, type RetryOptions } from "./retry.js";

export type LinkResult = ResumeLinkMutation["resumeLink"];
export type BalancesResult = ResumeBalancesMutation["resumeBalances"];
export type Challenge = Extract<LinkResult, { __typename: "MfaChallenge" }>;

export interface UpstreamDetails {
  status: number | null;
  code: string | null;
  requestId: string | null;
}

/** Why a call failed: the gateway's `extensions.code`, or NETWORK_ERROR when it did not answer. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly upstream: UpstreamDetails | null,
    readonly requestId: string | null,
    /** Seconds to wait, for RATE_LIMITED. */
    readonly retryAfter: number | null,
    /** The HTTP status, when one arrived. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` when the gateway requires client keys. */
  apiKey?: string;
  fetch?: typeof fetch;
  /**
   * Writes retry with the same Idempotency-Key after a network failure, 502/503/504,
   * SHUTTING_DOWN or IDEMPOTENCY_IN_PROGRESS, within `deadlineMs`; `false`: one attempt only.
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
  "NETWORK_ERROR",
  "IDEMPOTENCY_IN_PROGRESS",
]);

interface ErrorShape {
  message?: unknown;
  extensions?: Record<string, unknown>;
}

/**
 * graphql-request's ClientError puts the request's variables in its message; this keeps only
 * what the gateway said, which never holds them.
 */
function toGatewayError(error: unknown): GatewayError {
  if (error instanceof ClientError) {
    const first = (error.response.errors?.[0] ?? {}) as ErrorShape;
    const extensions = first.extensions ?? {};
    const code = typeof extensions.code === "string" ? extensions.code : "UNKNOWN";
    return new GatewayError(
      typeof first.message === "string"
        ? first.message
        : `The gateway answered HTTP ${error.response.status}.`,
      code,
      typeof extensions.retryable === "boolean" ? extensions.retryable : RETRYABLE_CODES.has(code),
      (extensions.upstream as UpstreamDetails | undefined) ?? null,
      typeof extensions.requestId === "string" ? extensions.requestId : null,
      typeof extensions.retryAfter === "number" ? extensions.retryAfter : null,
      error.response.status,
    );
  }
  return new GatewayError(
    "The gateway could not be reached.",
    "NETWORK_ERROR",
    true,
    null,
    null,
    null,
    null,
  );
}

export class BelvoGatewayClient {
  private readonly client: GraphQLClient;
  private readonly retry: RetryOptions | false;

  constructor(endpoint: string, options: ClientOptions = {}) {
    this.retry = options.retry ?? {};
    this.client = new GraphQLClient(endpoint, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      fetch: options.fetch,
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
    try {
      // The public methods pin each document to its variables.
      return await this.client.request<T>({
        document,
        variables,
        requestHeaders: headers,
        signal,
      });
    } catch (error) {
      throw toGatewayError(error);
    }
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
        const failure = error as GatewayError;
        return { code: failure.code, status: failure.status, retryAfter: failure.retryAfter };
      },
      this.retry,
    );
  }
}
