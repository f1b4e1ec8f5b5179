/**
 * The one describer of input values: every refusal of a value, sent as a variable or written
 * inline in the document, is told from the schema: the field's path (`extensions.field`, e.g.
 * `input.token`), the expected type, an enum's allowed values, and a "did you mean" when
 * suggestions are on (outside production). graphql-js quotes the value it refused, and that value
 * may be an MFA token or a password; its message also names no field a client can act on. Names
 * come from the schema or pass the GraphQL name pattern; the value sent never appears.
 *
 * Variables are coerced once, here (graphql-js's `coerceInputValue`, the check graphql-js's own
 * `getVariableValues` makes), and each refusal is described as coercion reports it. Inline values
 * are described in the validation hook (inline-values.ts, validation-hook.ts).
 */
import {
  coerceInputValue,
  getNamedType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isSpecifiedScalarType,
  typeFromAST,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from "graphql";
import { ErrorCode } from "./codes.js";

/** The GraphQL name pattern, bounded: a key a client sent is shown only when it looks like one. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const UNKNOWN_FIELD = /^Field "([^"]+)" is not defined by type "\w+"\./;
const MISSING_FIELD = /^Field "(\w+)" of required type "[^"]+" was not provided\./;
const SUGGESTED = /"(\w+)"/g;

export interface VariableErrorOptions {
  /** "Did you mean" and the list of an input type's fields; off in production. */
  suggestions: boolean;
}

type Path = readonly (string | number)[];

function printPath(variable: string, path: Path): string {
  return path.reduce<string>(
    (printed, key) => (typeof key === "number" ? `${printed}[${key}]` : `${printed}.${key}`),
    variable,
  );
}

/** The type expected at `path` inside a value of `type` (the path came from coercing it). */
function typeAt(type: GraphQLInputType, path: Path): GraphQLInputType {
  let current = type;
  for (const key of path) {
    const nullable = isNonNullType(current) ? current.ofType : current;
    if (isListType(nullable) && typeof key === "number") current = nullable.ofType;
    else if (isInputObjectType(nullable) && typeof key === "string") {
      const field = nullable.getFields()[key];
      if (!field) return current;
      current = field.type;
    } else return current;
  }
  return current;
}

/** Keeps only the names graphql-js suggested that really are among `allowed`. */
function suggestion(message: string, allowed: readonly string[], options: VariableErrorOptions) {
  if (!options.suggestions) return "";
  const names = [...message.matchAll(SUGGESTED)]
    .map((m) => m[1]!)
    .filter((name) => allowed.includes(name));
  return names.length ? ` Did you mean ${names.map((name) => `"${name}"`).join(" or ")}?` : "";
}

function fieldList(type: GraphQLInputObjectType): string {
  return Object.values(type.getFields())
    .map((field) => `${field.name} (${String(field.type)})`)
    .join(", ");
}

/** Why a scalar refused a value, without the value: graphql-js appends it after a colon. */
function scalarReason(named: GraphQLNamedType, message: string): string {
  if (isSpecifiedScalarType(named)) {
    const reason = /^(\w+ cannot represent[^:]*)/.exec(message)?.[1];
    return reason ? `; ${reason}` : "";
  }
  // Our own scalars (src/types/scalars.ts) say what they take and never quote the value.
  return /^\w+ must be [^:]*$/.test(message) ? `; ${message.replace(/\.$/, "")}` : "";
}

export interface Refusal {
  field: string;
  message: string;
}

/** What is wrong at one place of an input value; `message` is graphql-js's, for its suggestions. */
export type Problem =
  | { kind: "unknown field"; name: string; message: string }
  | { kind: "missing field"; name: string }
  | { kind: "null" }
  | { kind: "value"; message: string };

/** What graphql-js's coercion message `inner` says is wrong with a value expected of `type`. */
function problemOf(type: GraphQLInputType, inner: string): Problem {
  const named = getNamedType(type);
  const unknown = UNKNOWN_FIELD.exec(inner)?.[1];
  if (unknown !== undefined && isInputObjectType(named)) {
    return { kind: "unknown field", name: unknown, message: inner };
  }
  const missing = MISSING_FIELD.exec(inner)?.[1];
  if (missing !== undefined && isInputObjectType(named))
    return { kind: "missing field", name: missing };
  if (isNonNullType(type) && inner.startsWith("Expected non-nullable type"))
    return { kind: "null" };
  return { kind: "value", message: inner };
}

/**
 * One refusal at `at` (a printed path such as `input.token`) where a value of `expected` goes,
 * described from the schema: the field, the expected type, an enum's values, never the value.
 */
export function describeProblem(
  at: string,
  expected: GraphQLInputType,
  problem: Problem,
  options: VariableErrorOptions,
): Refusal {
  const named = getNamedType(expected);
  if (problem.kind === "unknown field" && isInputObjectType(named)) {
    const shown = NAME.test(problem.name) ? problem.name : "(a field)";
    const field = NAME.test(problem.name) ? `${at}.${problem.name}` : at;
    const fields = Object.keys(named.getFields());
    const list = options.suggestions ? ` Its fields: ${fieldList(named)}.` : "";
    return {
      field,
      message: `Invalid ${field}: ${named.name} has no field ${shown}.${suggestion(problem.message, fields, options)}${list}`,
    };
  }
  if (problem.kind === "missing field" && isInputObjectType(named)) {
    const type = named.getFields()[problem.name]?.type;
    const field = `${at}.${problem.name}`;
    return {
      field,
      message: `Invalid ${field}: expected ${String(type)}, and it was not provided.`,
    };
  }
  if (problem.kind === "null" && isNonNullType(expected)) {
    return { field: at, message: `Invalid ${at}: expected ${String(expected)}, not null.` };
  }
  const inner = "message" in problem ? problem.message : "";
  if (isEnumType(named)) {
    const values = named.getValues().map((value) => value.name);
    return {
      field: at,
      message: `Invalid ${at}: expected ${String(expected)}, one of ${values.join(", ")}.${suggestion(inner, values, options)}`,
    };
  }
  if (isInputObjectType(named)) {
    const list = options.suggestions ? ` with the fields ${fieldList(named)}` : "";
    return { field: at, message: `Invalid ${at}: expected ${String(expected)}, an object${list}.` };
  }
  if (isListType(isNonNullType(expected) ? expected.ofType : expected)) {
    return { field: at, message: `Invalid ${at}: expected ${String(expected)}, a list.` };
  }
  return {
    field: at,
    message: `Invalid ${at}: expected ${String(expected)}${scalarReason(named, inner)}.`,
  };
}

/**
 * A missing variable is most often a misspelled one: `{"inpt": …}` sent for `$input`, or `$inpt`
 * declared while `{"input": …}` is sent. Names the keys sent that the operation does not declare
 * (those that look like names; at most three) and both ways to fix it.
 */
function misnamedHint(name: string, undeclared: readonly string[]): string {
  const shown = undeclared.filter((key) => NAME.test(key)).slice(0, 3);
  if (shown.length === 0) return "";
  const keys = shown.map((key) => `"${key}"`).join(", ");
  const declare = shown.map((key) => `$${key}`).join(" or ");
  return ` The variables sent hold ${keys}, which the operation does not declare: send the value as "${name}", or declare ${declare} in the operation.`;
}

/** The keys sent that the operation does not declare (a missing variable's message names them). */
function undeclaredKeys(
  definitions: readonly VariableDefinitionNode[],
  variables: Record<string, unknown>,
): string[] {
  const declared = new Set(definitions.map((definition) => definition.variable.name.value));
  return Object.keys(variables).filter((key) => !declared.has(key));
}

interface Coercion {
  schema: GraphQLSchema;
  definitions: readonly VariableDefinitionNode[];
  variables: Record<string, unknown>;
  options: VariableErrorOptions & { max: number };
  /** The refusals so far, at most `options.max`. */
  errors: GraphQLError[];
}

function refuse(coercion: Coercion, definition: VariableDefinitionNode, refusal: Refusal): void {
  if (coercion.errors.length >= coercion.options.max) return;
  const extensions = { code: ErrorCode.BadUserInput, field: refusal.field };
  coercion.errors.push(new GraphQLError(refusal.message, { nodes: definition, extensions }));
}

/** Coerces one variable's value as graphql-js does, and refuses what coercion reports. */
function coerceVariable(coercion: Coercion, definition: VariableDefinitionNode): void {
  const { schema, variables, options } = coercion;
  const name = definition.variable.name.value;
  const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
  if (!type) return;
  const present = Object.prototype.hasOwnProperty.call(variables, name);
  if (!present || variables[name] === null) {
    const required = isNonNullType(type) && !(definition.defaultValue && !present);
    if (!required) return;
    const how = present
      ? "not null."
      : `and it was not provided.${misnamedHint(name, undeclaredKeys(coercion.definitions, variables))}`;
    const message = `Invalid ${name}: expected ${String(type)}, ${how}`;
    return refuse(coercion, definition, { field: name, message });
  }
  coerceInputValue(variables[name], type, (path, _value, error) => {
    const expected = typeAt(type, path);
    const problem = problemOf(expected, error.message);
    refuse(
      coercion,
      definition,
      describeProblem(printPath(name, path), expected, problem, options),
    );
  });
}

/**
 * Coerces the operation's variables once, as graphql-js's `getVariableValues` would: each refusal
 * is a BAD_USER_INPUT error with `extensions.field`, or null when every variable coerces. `max`
 * bounds the errors, as graphql-js's `maxErrors` does.
 */
export function variableErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: VariableErrorOptions & { max: number },
): GraphQLError[] | null {
  const definitions = operation.variableDefinitions ?? [];
  const coercion: Coercion = { schema, definitions, variables, options, errors: [] };
  for (const definition of definitions) coerceVariable(coercion, definition);
  return coercion.errors.length ? coercion.errors : null;
}
