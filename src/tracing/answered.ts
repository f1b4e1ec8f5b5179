import type { GraphQLRequestContextWillSendResponse } from "@apollo/server";
import type { Context } from "../context.js";
import { rootFields } from "../observability.js";

/**
 * Names the request's span after the operation's root fields (the metrics' label) and records
 * its type and outcome (OK or the first error's code, as the metrics count it), at the answer
 * (Apollo's `willSendResponse`, from src/request-listener.ts when tracing is on). A request
 * sampled out records nothing: its span is not even named.
 */
export function traceAnswered({
  contextValue,
  response,
  operation,
  operationName,
}: GraphQLRequestContextWillSendResponse<Context>): void {
  const request = contextValue.trace;
  if (!request?.sampled) return;
  const result = response.body.kind === "single" ? response.body.singleResult : undefined;
  const code = result?.errors?.[0]?.extensions?.code;
  request.answered(
    rootFields(operation),
    operation?.operation,
    operationName ?? null,
    typeof code === "string" ? code : "OK",
  );
}
