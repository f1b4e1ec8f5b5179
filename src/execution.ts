/**
 * Execution by graphql-jit behind Apollo Server. Apollo still does everything else (HTTP, parse,
 * validation and its document cache, plugins, error formatting); only execute() is swapped,
 * through the gateway interface, Apollo's documented hook for a custom executor.
 *
 * Variables are coerced by graphql-js first, so a bad variable gets graphql-js's own message
 * (which errors.ts knows how to scrub of the value) and never reaches a resolver. Whatever
 * graphql-jit cannot take (an unknown operation, a document it fails to compile, a variable its
 * own coercion reads differently) is executed by graphql-js, as Apollo would have.
 */
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  execute,
  getVariableValues,
  printSchema,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/** graphql-js stops coercing variables after this many errors; so do we. */
const MAX_VARIABLE_ERRORS = 50;

type Compiled = CompiledQuery | "graphql-js";

export function jitExecution(schema: GraphQLSchema): GatewayInterface {
  /** Apollo keeps parsed documents (an LRU), so a document is the same object each time. */
  const compiled = new WeakMap<DocumentNode, Map<string | undefined, Compiled>>();

  function compile(document: DocumentNode, operationName: string | undefined): Compiled {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map<string | undefined, Compiled>()));
    let query = byName.get(operationName);
    if (!query) {
      const result = compileQuery(schema, document, operationName);
      query = isCompiledQuery(result) ? result : "graphql-js";
      byName.set(operationName, query);
    }
    return query;
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
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, {
      maxErrors: MAX_VARIABLE_ERRORS,
    });
    if (coerced.errors) return { errors: coerced.errors };
    const query = compile(document, request.operationName ?? undefined);
    if (query === "graphql-js") return byGraphqlJs();
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
