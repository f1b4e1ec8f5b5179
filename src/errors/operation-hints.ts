/**
 * Validation errors about an operation's shape that hide their fix, told with it (applied by the
 * validation hook, validation-hook.ts):
 * - a field sent under the wrong keyword (`query { resumeLink … }`): GraphQL says only that
 *   Query has no such field; this says it is a mutation and how to send it;
 * - arguments written without their `input:` wrapper (`resumeLink(session: …, link: …)`):
 *   each unknown argument that is a field of the one `input` argument says so, with the shape.
 * Only names the client wrote or that the schema declares for that field appear.
 */
import { GraphQLError, isInputObjectType, getNamedType, type GraphQLSchema } from "graphql";
import type { VariableErrorOptions } from "./input-values.js";

const CANNOT_QUERY = /^Cannot query field "(\w+)" on type "(Query|Mutation|Subscription)"\./;
const UNKNOWN_ARGUMENT = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\./;
const MISSING_ARGUMENT = /^Field "(\w+)" argument "(\w+)" of type "([\w!]+)" is required/;

const KEYWORD = { Query: "query", Mutation: "mutation", Subscription: "subscription" } as const;

/** `resumeLink` sent in a query is a mutation: the keyword to send it with, or null. */
function keywordHint(schema: GraphQLSchema, message: string): string | null {
  const [, field, sentOn] = CANNOT_QUERY.exec(message) ?? [];
  if (!field || !sentOn) return null;
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  const owner = roots.find((root) => root && root.name !== sentOn && root.getFields()[field]);
  if (!owner) return null;
  const keyword = KEYWORD[owner.name as keyof typeof KEYWORD];
  const sentWith = KEYWORD[sentOn as keyof typeof KEYWORD];
  return `${message} ${field} is a ${keyword}: send it as \`${keyword} { ${field}(…) { … } }\`, not as a ${sentWith}${sentOn === "Query" ? " (nor with no keyword, which means query)" : ""}.`;
}

/** The fields of `input` written as the field's own arguments: the shape they belong in. */
function wrapperHint(
  schema: GraphQLSchema,
  message: string,
  options: VariableErrorOptions,
): { field: string; message: string } | null {
  const unknown = UNKNOWN_ARGUMENT.exec(message);
  const missing = MISSING_ARGUMENT.exec(message);
  if (unknown) {
    const [, argument, typeName, fieldName] = unknown as unknown as string[];
    const type = schema.getType(typeName!);
    const field = type && "getFields" in type ? type.getFields()[fieldName!] : undefined;
    const input = field && "args" in field ? field.args.find((arg) => arg.name === "input") : null;
    const named = input && getNamedType(input.type);
    if (!named || !isInputObjectType(named) || !named.getFields()[argument!]) return null;
    return {
      field: `input.${argument}`,
      message: `${message} ${fieldName} takes its fields inside one argument, input: write ${fieldName}(input: { ${argument}: … }).`,
    };
  }
  if (missing && missing[2] === "input") {
    const [, fieldName, , typeName] = missing as unknown as string[];
    const named = schema.getType(typeName!.replace(/!$/, ""));
    const fields =
      options.suggestions && named && isInputObjectType(named)
        ? ` (${Object.keys(named.getFields()).join(", ")})`
        : "";
    return {
      field: "input",
      message: `${message} Write ${fieldName}(input: { … }), with ${typeName!.replace(/!$/, "")}'s fields${fields} inside it.`,
    };
  }
  return null;
}

/** The fix `error` hides (see the module comment), told with it; null when it hides none. */
export function operationHint(
  schema: GraphQLSchema,
  error: GraphQLError,
  options: VariableErrorOptions,
): { field?: string; message: string } | null {
  if (!error.nodes?.[0]) return null;
  const keyword = keywordHint(schema, error.message);
  return keyword ? { message: keyword } : wrapperHint(schema, error.message, options);
}
