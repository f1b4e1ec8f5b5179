/**
 * Execution by graphql-jit behind Apollo Server. Apollo still does everything else (HTTP, parse,
 * validation and its document cache, plugins, error formatting); only execute() is swapped,
 * through the gateway interface, Apollo's documented hook for a custom executor.
 *
 * Variables are coerced by graphql-js's coercion first, once, on either path, so a bad variable
 * never reaches a resolver; each refusal is described as it is found (src/errors/input-values.ts:
 * the field, the expected type, never the value). Whatever
 * graphql-jit cannot take (an unknown operation, a document it fails to compile, a variable its
 * own coercion reads differently) is executed by graphql-js, as Apollo would have.
 */
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  GraphQLError,
  OperationTypeNode,
  execute,
  printSchema,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { variableErrors } from "../errors/input-values.js";

const SUBSCRIPTION_ELSEWHERE = {
  errors: [
    new GraphQLError(
      "Subscriptions are served over WebSocket at /graphql (graphql-transport-ws) and Server-Sent Events at /graphql/stream, not over a POST.",
      { extensions: { code: "BAD_REQUEST" } },
    ),
  ],
};

/** graphql-js stops coercing variables after this many errors; so do we. */
const MAX_VARIABLE_ERRORS = 50;

/**
 * Per operation: how many times it has run on graphql-js so far, then its compiled form, or
 * "graphql-js" for good when graphql-jit could not compile it.
 */
type State = number | CompiledQuery | "graphql-js";

/**
 * `compileOn`: the execution of an operation on which it is compiled (earlier ones run on
 * graphql-js). Compiling costs several times parsing and validating, so the default, 2, spends
 * it on operations that recur, not on one-off documents. `Infinity` compiles nothing: every
 * operation runs on graphql-js (the test suite's second run in CI).
 */
export function jitExecution(
  schema: GraphQLSchema,
  compileOn = 2,
  { suggestions = true }: { suggestions?: boolean } = {},
): GatewayInterface {
  /** Apollo keeps parsed documents (an LRU), so a document is the same object each time. */
  const states = new WeakMap<DocumentNode, Map<string | undefined, State>>();

  function compiled(document: DocumentNode, operationName: string | undefined) {
    let byName = states.get(document);
    if (!byName) states.set(document, (byName = new Map<string | undefined, State>()));
    const state = byName.get(operationName) ?? 0;
    if (typeof state !== "number") return state === "graphql-js" ? null : state;
    if (state + 1 < compileOn) {
      byName.set(operationName, state + 1);
      return null;
    }
    const result = compileQuery(schema, document, operationName);
    byName.set(operationName, isCompiledQuery(result) ? result : "graphql-js");
    return isCompiledQuery(result) ? result : null;
  }

  const executor: GatewayExecutor = async ({ document, operation, request, context }) => {
    const variables = request.variables ?? {};
    const byGraphqlJs = () =>
      execute({
        schema,
        document,
        operationName: request.operationName,
        variableValues: variables,
        contextValue: context,
      });
    if (!operation) return byGraphqlJs();
    // A subscription is served by graphql-ws and graphql-sse (src/events/), never over a POST.
    if (operation.operation === OperationTypeNode.SUBSCRIPTION) return SUBSCRIPTION_ELSEWHERE;
    const max = MAX_VARIABLE_ERRORS;
    const refused = variableErrors(schema, operation, variables, { suggestions, max });
    if (refused) return { errors: refused };
    const query = compiled(document, request.operationName ?? undefined);
    if (!query) return byGraphqlJs();
    const result = await query.query(undefined, context, variables);
    // No `data` at all: graphql-jit refused the variables graphql-js accepted.
    return "data" in result ? result : byGraphqlJs();
  };

  return {
    load: () => Promise.resolve({ executor }),
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    stop: () => Promise.resolve(),
  };
}
