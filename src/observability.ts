import type { GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { isUnexpected } from "./errors.js";
import { clip } from "./logger.js";
import { Kind, type GraphQLError, type OperationDefinitionNode } from "graphql";
import type { Context } from "./context.js";
import type { GatewayMetrics } from "./metrics.js";

/** Apollo keeps parsed documents, so an operation node is seen again and again. */
const ROOT_FIELDS = new WeakMap<OperationDefinitionNode, string>();

/** The operation's root fields, e.g. `resumeLink`: bounded by the schema, unlike client names. */
export function rootFields(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return "invalid";
  const known = ROOT_FIELDS.get(operation);
  if (known !== undefined) return known;
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    names.add(selection.kind === Kind.FIELD ? selection.name.value : "fragment");
  }
  const fields = [...names].sort().join(",");
  ROOT_FIELDS.set(operation, fields);
  return fields;
}

/** At the request's start: counted in flight; returns its start time, for `operationAnswered`. */
export function operationStarted(metrics: GatewayMetrics): number {
  metrics.inFlight.inc();
  return performance.now();
}

/** One log line per unexpected error (Apollo's `didEncounterErrors`). */
export function logUnexpectedErrors(contextValue: Context, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    if (isUnexpected(error)) {
      contextValue.logger.error(
        { err: unwrapResolverError(error), path: error.path },
        "unexpected error while executing an operation",
      );
    }
  }
}

/**
 * At the answer (Apollo's `willSendResponse`): one log line per operation (request id, name,
 * root fields, duration, outcome, estimated and actual Belvo requests), the operation metrics,
 * and `extensions.requestId` (and `clientRequestId`) on every error. The gateway's request
 * listener (src/request-listener.ts) calls these three in Apollo's hooks.
 */
export function operationAnswered(
  metrics: GatewayMetrics,
  started: number,
  {
    response,
    operationName,
    operation,
    contextValue,
  }: GraphQLRequestContextWillSendResponse<Context>,
): void {
  metrics.inFlight.dec();
  const seconds = (performance.now() - started) / 1000;
  const result = response.body.kind === "single" ? response.body.singleResult : undefined;
  if (result?.errors) {
    const { requestId, clientRequestId } = contextValue;
    const ids = clientRequestId === undefined ? { requestId } : { requestId, clientRequestId };
    result.errors = result.errors.map((error) => ({
      ...error,
      extensions: { ...error.extensions, ...ids },
    }));
  }
  const code = result?.errors?.[0]?.extensions?.code;
  const outcome = contextValue.clientGone()
    ? "CLIENT_GONE"
    : typeof code === "string"
      ? code
      : "OK";
  const fields = rootFields(operation);
  const upstreamCalls = contextValue.belvo.upstreamCalls;
  metrics.recordOperation(fields, outcome, seconds, upstreamCalls);
  contextValue.logger.info(
    {
      operation: {
        name: operationName == null ? null : clip(operationName),
        fields,
        outcome,
        durationMs: Math.round(seconds * 1000),
        // The estimate checked before execution (null: none, the document was refused
        // earlier), and the requests Belvo was actually sent.
        upstreamCost: contextValue.upstreamCost ?? null,
        upstreamCalls,
      },
    },
    "graphql operation",
  );
}
