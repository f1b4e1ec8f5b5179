/**
 * Validation errors about a value written inline in the document (`password: 12345`,
 * `accessMode: recurrent`, an unknown field `tokn:`), described by the same describer as variable
 * refusals (input-values.ts): `extensions.field` is the value's path (`input.password`,
 * `input.fetchResources[1]`), the message names the expected type, an enum's values and, outside
 * production, a "did you mean"; never the value. graphql-js reports such an error on the value's
 * node; one walk of the document (with a stack of argument and field names, linear in its size,
 * and only when validation failed on such a node) finds each one's path and expected type.
 */
import {
  BREAK,
  GraphQLError,
  Kind,
  TypeInfo,
  isNonNullType,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import {
  describeProblem,
  type Problem,
  type Refusal,
  type VariableErrorOptions,
} from "./input-values.js";

/** Nodes graphql-js reports a wrong inline value on: the value, or an unknown object field. */
const VALUE_KINDS: ReadonlySet<string> = new Set([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);
const MISSING_FIELD = /^Field "\w+\.(\w+)" of required type "[^"]+" was not provided\./;
const UNKNOWN_FIELD = /^Field "\w+" is not defined by type "\w+"\./;

/** Where a node is: its path from the argument (or variable default), and the types there. */
interface Place {
  path: (string | number)[];
  type: GraphQLInputType | undefined;
  parentType: GraphQLInputType | undefined;
}

/** The key a node adds to the path: an argument's, a variable's or a field's name, a list index. */
function keyOf(node: ASTNode, key: string | number | undefined): string | number | undefined {
  if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) return node.name.value;
  if (node.kind === Kind.VARIABLE_DEFINITION) return node.variable.name.value;
  // Only a list's items are value nodes held in an array.
  return typeof key === "number" && VALUE_KINDS.has(node.kind) ? key : undefined;
}

/** One walk of the document, stopped once every target is placed. */
function place(schema: GraphQLSchema, document: DocumentNode, targets: ReadonlySet<ASTNode>) {
  const typeInfo = new TypeInfo(schema);
  const path: (string | number)[] = [];
  const places = new Map<ASTNode, Place>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node, key) {
        const segment = keyOf(node, key);
        if (segment !== undefined) path.push(segment);
        if (targets.has(node) && path.length > 0) {
          const type = typeInfo.getInputType() ?? undefined;
          const parentType = typeInfo.getParentInputType() ?? undefined;
          places.set(node, { path: [...path], type, parentType });
          if (places.size === targets.size) return BREAK;
        }
        return undefined;
      },
      leave(node, key) {
        if (keyOf(node, key) !== undefined) path.pop();
      },
    }),
  );
  return places;
}

function printPath([root, ...keys]: readonly (string | number)[]): string {
  return keys.reduce<string>(
    (printed, key) => (typeof key === "number" ? `${printed}[${key}]` : `${printed}.${key}`),
    String(root),
  );
}

/** What graphql-js's `message` on `node` says is wrong, and where; null when it is not about one. */
function describe(node: ASTNode, at: Place, message: string, options: VariableErrorOptions) {
  if (node.kind === Kind.OBJECT_FIELD) {
    if (!at.parentType || !UNKNOWN_FIELD.test(message)) return null;
    const problem: Problem = { kind: "unknown field", name: node.name.value, message };
    return describeProblem(printPath(at.path.slice(0, -1)), at.parentType, problem, options);
  }
  if (!at.type) return null;
  const missing = MISSING_FIELD.exec(message)?.[1];
  const problem: Problem =
    missing !== undefined
      ? { kind: "missing field", name: missing }
      : node.kind === Kind.NULL && isNonNullType(at.type)
        ? { kind: "null" }
        : { kind: "value", message };
  return describeProblem(printPath(at.path), at.type, problem, options);
}

/**
 * Describes each error of `errors` that is about an inline value: its field's path and a message
 * without the value. An error it cannot place is left out.
 */
export function describeInlineValues(
  schema: GraphQLSchema,
  document: DocumentNode,
  errors: readonly GraphQLError[],
  options: VariableErrorOptions,
): Map<GraphQLError, Refusal> {
  const described = new Map<GraphQLError, Refusal>();
  const onValues = errors.filter((error) => VALUE_KINDS.has(error.nodes?.[0]?.kind ?? ""));
  if (onValues.length === 0) return described;
  const places = place(schema, document, new Set(onValues.map((error) => error.nodes![0]!)));
  for (const error of onValues) {
    const node = error.nodes![0]!;
    const at = places.get(node);
    const refusal = at && describe(node, at, error.message, options);
    if (refusal) described.set(error, refusal);
  }
  return described;
}
