import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../context.js";
import { rootFields } from "../observability.js";

/**
 * Names the request's span after the operation's root fields (the metrics' label) and records
 * its type and outcome (OK or the first error's code, as the metrics count it). Installed only
 * when tracing is on; hooks only sampled requests.
 */
export function tracingPlugin(): ApolloServerPlugin<Context> {
  return {
    requestDidStart({ contextValue }) {
      const request = contextValue.trace;
      // A request sampled out records nothing: its span is not even named.
      if (!request?.sampled) return Promise.resolve();
      return Promise.resolve({
        willSendResponse({ response, operation, operationName }) {
          const result = response.body.kind === "single" ? response.body.singleResult : undefined;
          const code = result?.errors?.[0]?.extensions?.code;
          request.answered(
            rootFields(operation),
            operation?.operation,
            operationName ?? null,
            typeof code === "string" ? code : "OK",
          );
          return Promise.resolve();
        },
      });
    },
  };
}
