import { MapperKind, mapSchema } from "@graphql-tools/utils";
import { responsePathAsArray, type GraphQLSchema } from "graphql";
import type { Context } from "../context.js";
import type { Tracing } from "./tracing.js";

/**
 * A copy of `schema` whose every resolver (root fields and field resolvers; plain properties
 * have none) runs in a span of its own. The schema given is left as it is: it may be shared.
 */
export function tracedResolvers(schema: GraphQLSchema, tracing: Tracing): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, name, typeName) => {
      const resolve = field.resolve;
      if (!resolve) return field;
      return {
        ...field,
        resolve: (root, args, context, info) =>
          tracing.resolve(
            (context as Context).trace,
            typeName,
            name,
            responsePathAsArray(info.path).join("."),
            () => resolve(root, args, context, info),
          ),
      };
    },
  });
}
