/**
 * Makes every validation error's message final where it arises, in Apollo's validation hook:
 * an error about a value written inline gets the describer's message and `extensions.field`
 * (inline-values.ts), an error on the operation's shape gets its fix (operation-hints.ts), and any
 * other that quotes a value inline keeps the type and the reason only. Apollo builds its answer's
 * error from the graphql-js error once this hook returns (its ValidationError copies `message`
 * and `extensions`), so the description travels on the error itself: nothing is kept aside.
 */
import { GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";
import { describeInlineValues } from "./inline-values.js";
import type { Refusal, VariableErrorOptions } from "./input-values.js";
import { operationHint } from "./operation-hints.js";

/**
 * graphql-js quotes a value written inline in the document when its type is wrong
 * (`String cannot represent a non string value: 123456`, `Expected value of type "X", found
 * 123456.`, an unknown enum value); a token or a password written inline would come back, so
 * such a message, when the describer could not place it, keeps the type and the reason (and an
 * enum's suggestions), never the value.
 */
const ENUM_SUGGESTION = String.raw`((?: Did you mean the enum value (?:"\w+"(?:,? or |, )?)+\?)?)`;
const CANNOT_REPRESENT = new RegExp(
  String.raw`^(\w+(?: "\w+")? cannot represent [^:]*): [\s\S]*?${ENUM_SUGGESTION}$`,
);
const NOT_IN_ENUM = new RegExp(
  String.raw`^Value [\s\S]* does not exist in ("\w+" enum)\.${ENUM_SUGGESTION}$`,
);
const EXPECTED_TYPE = /^(Expected value of type "[\w[\]!]+"), found [\s\S]*$/;

export function scrubLiteralMessage(message: string): string {
  const cannot = CANNOT_REPRESENT.exec(message);
  if (cannot) return `${cannot[1]}.${cannot[2]}`;
  const notInEnum = NOT_IN_ENUM.exec(message);
  if (notInEnum) return `The value written does not exist in ${notInEnum[1]}.${notInEnum[2]}`;
  const expected = EXPECTED_TYPE.exec(message);
  if (expected) return `${expected[1]}, found a value of another type.`;
  return message;
}

/** Gives `error` its final message, and `extensions.field` when it is about one field. */
function restate(error: GraphQLError, described: Partial<Refusal> & { message: string }): void {
  const { field, message } = described;
  const extensions = field === undefined ? error.extensions : { ...error.extensions, field };
  // graphql-js's GraphQLError declares both writable; Apollo reads them after this hook.
  Object.assign(error, { message, extensions });
}

function describeValidationErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  errors: readonly GraphQLError[],
  options: VariableErrorOptions,
): void {
  const inline = describeInlineValues(schema, document, errors, options);
  for (const error of errors) {
    const described = inline.get(error) ?? operationHint(schema, error, options);
    restate(error, described ?? { message: scrubLiteralMessage(error.message) });
  }
}

/**
 * Describes every validation error of a request (see the module comment): the end of Apollo's
 * `validationDidStart`, returned from it by src/request-listener.ts.
 */
export function describeErrorsOnValidationEnd(
  options: VariableErrorOptions,
  { schema, document }: { schema: GraphQLSchema; document: DocumentNode },
  errors?: readonly Error[],
): void {
  const graphQLErrors = (errors ?? []).filter((error) => error instanceof GraphQLError);
  if (graphQLErrors.length > 0) describeValidationErrors(schema, document, graphQLErrors, options);
}
