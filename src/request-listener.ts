/**
 * The gateway's one Apollo request listener. Apollo 5 calls every listener at every hook of a
 * request (a `Promise.all` over the listeners per hook, an `await` per listener for
 * `responseForOperation`), defined or not: five listeners of the gateway's own were 13% of the
 * bytes a resume allocated. So the parts, each in its own module, are registered here as one
 * listener, each hook calling them in the order their plugins were registered before:
 *
 * - `validationDidStart` (a document Apollo has not validated before): the document checks first
 *   (src/guards/document-rules.ts), then, when validation ends, the validation errors' messages
 *   (src/errors/validation-hook.ts);
 * - `didResolveOperation`: the upstream cost check (src/guards/upstream-cost.ts);
 * - `didEncounterErrors`: unexpected errors logged (src/observability.ts);
 * - `willSendResponse`: the operation's record (src/observability.ts), suggestions hidden in
 *   production (src/guards/document-rules.ts), the trace's outcome (src/tracing/answered.ts).
 *
 * No other hook is defined: none of the parts needs one (Apollo still calls through the list of
 * listeners at each hook, now of one).
 */
import type {
  ApolloServerPlugin,
  GraphQLRequestContextDidEncounterErrors,
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextValidationDidStart,
  GraphQLRequestContextWillSendResponse,
  GraphQLRequestListener,
} from "@apollo/server";
import type { Context } from "./context.js";
import { describeErrorsOnValidationEnd } from "./errors/validation-hook.js";
import type { VariableErrorOptions } from "./errors/input-values.js";
import type { DocumentGuards } from "./guards/document-rules.js";
import { checkUpstreamCost } from "./guards/upstream-cost.js";
import type { GatewayMetrics } from "./metrics.js";
import { logUnexpectedErrors, operationAnswered, operationStarted } from "./observability.js";
import { traceAnswered } from "./tracing/answered.js";

export interface RequestParts {
  metrics: GatewayMetrics;
  documents: Pick<DocumentGuards, "checksFirst" | "hideSuggestions">;
  /** MAX_UPSTREAM_COST. */
  maxUpstreamCost: number;
  /** How validation errors are described (suggestions outside production). */
  validationErrors: VariableErrorOptions;
  /** Tracing on: each sampled request's span gets its outcome. */
  tracing: boolean;
}

/** Settled once: a hook with nothing to wait for hands Apollo this one instead of a new one. */
const DONE: Promise<void> = Promise.resolve();

/** One request's listener: its start time, and the parts shared by every request. */
class RequestListener implements GraphQLRequestListener<Context> {
  private readonly started: number;

  constructor(private readonly parts: RequestParts) {
    this.started = operationStarted(parts.metrics);
  }

  validationDidStart(requestContext: GraphQLRequestContextValidationDidStart<Context>) {
    const { documents, validationErrors } = this.parts;
    documents.checksFirst(requestContext);
    // The document read when validation ends: the checks' stand-in, if they refused it.
    return Promise.resolve((errors?: readonly Error[]) => {
      describeErrorsOnValidationEnd(validationErrors, requestContext, errors);
      return DONE;
    });
  }

  didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<Context>) {
    const refusal = checkUpstreamCost(this.parts.maxUpstreamCost, requestContext);
    return refusal ? Promise.reject(refusal) : DONE;
  }

  didEncounterErrors({ contextValue, errors }: GraphQLRequestContextDidEncounterErrors<Context>) {
    logUnexpectedErrors(contextValue, errors);
    return DONE;
  }

  willSendResponse(requestContext: GraphQLRequestContextWillSendResponse<Context>) {
    const { metrics, documents, tracing } = this.parts;
    operationAnswered(metrics, this.started, requestContext);
    documents.hideSuggestions?.(requestContext);
    if (tracing) traceAnswered(requestContext);
    return DONE;
  }
}

/** The gateway's request listener as one Apollo plugin (see the module comment). */
export function requestPlugin(parts: RequestParts): ApolloServerPlugin<Context> {
  return {
    requestDidStart: () => Promise.resolve(new RequestListener(parts)),
  };
}
