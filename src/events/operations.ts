/**
 * What the two subscription transports (events/ws.ts, events/sse.ts) share: an operation checked
 * as Apollo checks one (parse with MAX_TOKENS, the document guards' rules), subscriptions only
 * (queries and mutations go to POST /graphql, behind every guard of the HTTP path), the caps on
 * subscriptions per client, and errors written as the gateway writes them.
 */
import {
  GraphQLError,
  OperationTypeNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { ErrorCode, formatError } from "../errors.js";
import type { TrustedDocuments } from "../guards/trusted-documents.js";

export interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

export interface OperationRules {
  schema: GraphQLSchema;
  maxTokens: number;
  maxDocumentBytes: number;
  validationRules: readonly ValidationRule[];
  /** TRUSTED_DOCUMENTS: only the manifest's documents run, here as on POST /graphql. */
  trustedDocuments?: TrustedDocuments;
}

/** The document's text: as sent, or the trusted one it names; null when not trusted. */
function trustedText(rules: OperationRules, request: OperationRequest): unknown {
  if (!rules.trustedDocuments) return request.query;
  const body = { query: request.query, extensions: request.extensions };
  const admitted = rules.trustedDocuments.admit("POST", body, "");
  return admitted ? (admitted.body as { query?: unknown }).query : null;
}

function refused(message: string, code: string = ErrorCode.BadRequest): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code } })];
}

/** The execution of a subscription request, or the errors that refuse it. */
export function prepareSubscription(
  rules: OperationRules,
  request: OperationRequest,
): Omit<ExecutionArgs, "contextValue"> | GraphQLError[] {
  const { variables, operationName } = request;
  const query = trustedText(rules, request);
  if (query === null) {
    return refused(
      "This gateway runs only its trusted documents (the typed client's operations).",
      ErrorCode.PersistedQueryNotAllowed,
    );
  }
  if (typeof query !== "string" || query.length === 0) return refused("Send a `query`.");
  if (query.length > rules.maxDocumentBytes) {
    return refused(`The document exceeds ${rules.maxDocumentBytes} characters.`);
  }
  if (operationName != null && typeof operationName !== "string") {
    return refused("`operationName` must be a string.");
  }
  if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) {
    return refused("`variables` must be an object.");
  }
  let document;
  try {
    document = parse(query, { maxTokens: rules.maxTokens });
  } catch (error) {
    return [error as GraphQLError];
  }
  // The gateway's own rules first (linear), as on POST /graphql (guards/document-rules.ts).
  for (const ruleSet of [rules.validationRules, specifiedRules]) {
    const errors = validate(rules.schema, document, ruleSet);
    if (errors.length > 0) return [...errors];
  }
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return refused("Unable to identify the operation to run.");
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return refused(
      `Only subscriptions are served here; send a ${operation.operation} to POST /graphql.`,
    );
  }
  return {
    schema: rules.schema,
    document,
    operationName: operationName ?? undefined,
    variableValues: (variables ?? {}) as Record<string, unknown>,
  };
}

/** Errors as the gateway formats them on POST /graphql (an unexpected one masked). */
export function formatted(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  const errors = result.errors.map((error) => formatError(error.toJSON(), error));
  // Sent as JSON as they are: formatted errors in place of GraphQLError objects.
  return { ...result, errors } as unknown as ExecutionResult;
}

export function tooMany(what: string, max: number): GraphQLError[] {
  return refused(
    `More than ${max} subscriptions ${what}; end one first.`,
    ErrorCode.TooManySubscriptions,
  );
}

/** Subscriptions open per client (a key's label, or `addr:<address>` without keys). */
export class ClientSlots {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A release (call it once the subscription ends), or null at the cap. */
  take(client: string): (() => void) | null {
    const count = this.counts.get(client) ?? 0;
    if (count >= this.max) return null;
    this.counts.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(client) ?? 1) - 1;
      if (left <= 0) this.counts.delete(client);
      else this.counts.set(client, left);
    };
  }
}
