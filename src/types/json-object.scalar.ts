import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  valueFromASTUntyped,
  type ValueNode,
} from "graphql";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON object as it came (a webhook's `data`): an object, never a list or a scalar. */
export const JSONObjectScalar = new GraphQLScalarType<Record<string, unknown>, unknown>({
  name: "JSONObject",
  description: "A JSON object, as Belvo sent it.",
  serialize: (value) => {
    if (isObject(value)) return value;
    throw new TypeError("JSONObject must be an object.");
  },
  parseValue: (value) => {
    if (isObject(value)) return value;
    throw new GraphQLError("JSONObject must be an object.");
  },
  parseLiteral: (node: ValueNode, variables) => {
    if (node.kind === Kind.OBJECT)
      return valueFromASTUntyped(node, variables) as Record<string, unknown>;
    throw new GraphQLError("JSONObject must be an object.", { nodes: node });
  },
});
