/**
 * The bridge to Apollo: the request Apollo sees (a POST's JSON body, the query string, a trusted
 * document filled in), the idempotency hook around it, the context, and Apollo's answer written.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from "@apollo/server";
import { requestContext, type Context, type RequestIds, type RequestScope } from "../context.js";
import { ErrorCode } from "../errors.js";
import type { Guards } from "../guards/guards.js";
import type { TrustedDocuments } from "../guards/trusted-documents.js";
import type { IdempotencyGate } from "../idempotency/gate.js";
import { beginIdempotent, settle, settleFailure, watchClient } from "../idempotency/hook.js";
import type { BelvoClient } from "../upstream/belvo.js";
import type { EventHub } from "../events/hub.js";
import type { Admission } from "./admission.js";
import { crossSiteDecision } from "./cross-site.js";
import { MEDIA_TYPES, acceptsGraphQLAnswer, readBody, withRequestIds } from "./http-io.js";
import type { Lifecycle } from "./lifecycle.js";
import { refuse } from "./refusals.js";

export interface BridgeParts {
  apollo: ApolloServer<Context>;
  admission: Admission;
  lifecycle: Lifecycle;
  gate: IdempotencyGate;
  belvo: BelvoClient;
  guards: Guards;
  maxBodyBytes: number;
  maxDocumentBytes: number;
  trustedDocuments: TrustedDocuments | undefined;
  /** Apollo serves its landing page to a browser's GET (outside production). */
  landingPage: boolean;
  now: () => Date;
  /** Belvo's webhooks kept per link, for `Query.linkEvents`. */
  events?: EventHub;
}

export type GraphQLHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  search: string,
  scope: RequestScope,
) => Promise<void>;

/** The request's headers as Apollo reads them (for…in: no array of entries per request). */
function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  const given = req.headers;
  for (const key in given) {
    const value = given[key];
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * The request as Apollo will see it (a POST's JSON body; the query string, emptied for a
 * keyless request; a trusted document filled in), or null once refused and answered.
 */
async function graphQLRequest(
  parts: BridgeParts,
  req: IncomingMessage,
  res: ServerResponse,
  search: string,
  ids: RequestIds,
): Promise<{ body: unknown; search: string } | null> {
  let body: unknown;
  if (req.method === "POST") {
    const text = await readBody(req, parts.maxBodyBytes);
    try {
      body = JSON.parse(text);
    } catch {
      refuse(res, { code: ErrorCode.BadRequest }, ids);
      return null;
    }
  }
  const document = documentText(req.method, body, search);
  if (document !== null && document.length > parts.maxDocumentBytes) {
    // Apollo caches a parsed document with its whole source: a megabyte of comments a request
    // would stay in memory. Refused before Apollo (or the idempotency gate) reads it.
    const message = `The GraphQL document exceeds ${parts.maxDocumentBytes} characters (MAX_DOCUMENT_BYTES).`;
    refuse(res, { code: ErrorCode.PayloadTooLarge, message }, ids);
    return null;
  }
  if (!parts.trustedDocuments) return { body, search };
  const admitted = parts.trustedDocuments.admit(req.method ?? "GET", body, search);
  if (!admitted) {
    refuse(res, { code: ErrorCode.PersistedQueryNotAllowed }, ids);
  }
  return admitted;
}

/** The document's text as Apollo will read it: a POST body's `query`, or a GET's (decoded). */
function documentText(method: string | undefined, body: unknown, search: string): string | null {
  if (method === "GET") return new URLSearchParams(search).getAll("query").join("");
  const query = (body as { query?: unknown } | null | undefined)?.query;
  return typeof query === "string" ? query : null;
}

/**
 * The method and the cross-site check, before a body is read: the query string Apollo may read,
 * or null once refused and answered.
 */
function admittedSearch(
  req: IncomingMessage,
  res: ServerResponse,
  facts: { search: string; keyed: boolean; landingPage: boolean },
  ids: RequestIds,
): string | null {
  // Refused before its body is read: the connection is closed rather than read to its end.
  const unread: Record<string, string> = hasBody(req) ? { connection: "close" } : {};
  if (req.method !== "GET" && req.method !== "POST") {
    const message = `/graphql takes GET (queries) and POST (any operation), not ${req.method}.`;
    const headers = { allow: "GET, POST", ...unread };
    refuse(res, { code: ErrorCode.MethodNotAllowed, message, headers }, ids);
    return null;
  }
  const decision = crossSiteDecision(req, facts);
  if (decision.kind === "refuse") {
    refuse(res, { code: ErrorCode.BadRequest, message: decision.message, headers: unread }, ids);
    return null;
  }
  if (decision.kind === "landing-page") return "";
  // Apollo would run the operation and only then answer 406: a mutation's effect, unseen.
  if (!acceptsGraphQLAnswer(req.headers.accept)) {
    const message =
      "The Accept header allows neither `application/graphql-response+json` nor `application/json`, the media types of a GraphQL answer; nothing was run.";
    refuse(res, { code: ErrorCode.NotAcceptable, message, headers: unread }, ids);
    return null;
  }
  return facts.search;
}

/** Whether a request says a body follows. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** Nothing of this request has been sent upstream: another replica can take it. */
export function refuseDraining(res: ServerResponse, ids: RequestIds): void {
  refuse(res, { code: ErrorCode.ShuttingDown }, ids);
}

/** Writes Apollo's answer as it is: whole at once, or streamed (then a promise of its end). */
function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> | void {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  return writeStream(res, response.body.asyncIterator);
}

async function writeStream(res: ServerResponse, chunks: AsyncIterableIterator<string>) {
  for await (const chunk of chunks) res.write(chunk);
  res.end();
}

/**
 * Apollo's answer in error made ready to send: the request ids on each error, and the status
 * GraphQL over HTTP gives a request error (the document did not parse or validate, the operation
 * or the variables could not be resolved) in `application/json`: 200, since a client that reads
 * only `application/json` takes any 4xx for a proxy's page and drops the errors. In
 * `application/graphql-response+json` it stays 400. A success never pays for the parse.
 */
function answerInError(response: HTTPGraphQLResponse, ids: RequestIds): HTTPGraphQLResponse {
  const status = response.status ?? 200;
  if (status < 400 || response.body.kind !== "complete") return response;
  const { body, requestErrorsOnly } = withRequestIds(response.body.string, ids);
  const plainJson = response.headers.get("content-type") === MEDIA_TYPES.json;
  return {
    ...response,
    status: status === 400 && requestErrorsOnly && plainJson ? 200 : status,
    body: { kind: "complete", string: body },
  };
}

export function graphQLHandler(parts: BridgeParts): GraphQLHandler {
  const { apollo, lifecycle, gate, belvo } = parts;
  return async (req, res, search, scope) => {
    const { ids, logger: requestLogger, trace } = scope;
    const admission = parts.admission(req, res, search, scope);
    const admitted = admission instanceof Promise ? await admission : admission;
    if (!admitted) return;
    const apolloSearch = admittedSearch(
      req,
      res,
      {
        search: admitted.keyless ? "" : search,
        keyed: admitted.client !== null,
        landingPage: parts.landingPage,
      },
      ids,
    );
    if (apolloSearch === null) return;
    const request = await graphQLRequest(parts, req, res, apolloSearch, ids);
    if (!request) return;
    if (lifecycle.draining) return refuseDraining(res, ids);
    const clientGone = lifecycle.beginExecution(res);
    // Without an Idempotency-Key there is nothing to wait for.
    const claiming = beginIdempotent(gate, req, res, {
      scope: admitted.client ?? "anonymous",
      body: request.body,
      ids,
      logger: requestLogger,
    });
    const claim = claiming === null ? null : await claiming;
    if (claim === true) return;
    if (claim) {
      // The operation's own line names the key (its hash): no line of its own for a claim.
      requestLogger.annotate({ idempotency: { keyHash: claim.keyHash } });
      watchClient(res, requestLogger, claim);
    }
    let upstream: BelvoClient | undefined;
    let response = await apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers: headerMap(req), ...request },
        context: () => {
          // Under an idempotency key the answer is kept for the retry: reads go on without the client.
          upstream = belvo.forRequest(requestLogger, claim ? undefined : clientGone, trace);
          const { guards, now } = parts;
          return Promise.resolve(
            requestContext({
              ids,
              belvo: upstream,
              guards,
              logger: requestLogger,
              clientGone,
              now,
              trace,
              events: parts.events,
            }),
          );
        },
      })
      .catch(async (error: unknown) => {
        if (claim) await settleFailure(claim, ids, upstream, req.headers.accept);
        throw error;
      });
    response = answerInError(response, ids);
    // Stored as it is about to be sent, so a replay is the same bytes.
    if (claim) response = await settle(claim, response, upstream);
    return writeResponse(res, response);
  };
}
