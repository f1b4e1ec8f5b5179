/**
 * Apollo's `formatError`: what of an error reaches the client. Our own errors and GraphQL's
 * request errors pass; anything unexpected is masked (the observability plugin logs it in full).
 * Messages about input values were described where they arose (src/errors/input-values.ts, the
 * validation hook in src/errors/validation-hook.ts): nothing here looks them up.
 */
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { GatewayError } from "./classes.js";
import { ERRORS, ErrorCode } from "./codes.js";

/**
 * graphql-js quotes the offending value when it rejects a variable
 * (`Variable "$input" got invalid value "123456" at "input.token"; String cannot represent ...`);
 * that value may be an MFA token or a password. The gateway's executor describes variable
 * refusals itself (input-values.ts), so this is the net for a graphql-js coercion the describer
 * did not see: such a message keeps only the variable, the path and the reason, never the value.
 */
const INVALID_VARIABLE =
  /^Variable "(\$\w+)" got invalid value [\s\S]*?(?: at "(\$?[\w.[\]]+)")?; ([\s\S]*)$/;
const VALUE_FREE_REASON =
  /^(?:Field "\w+" (?:of required type "[\w[\]!]+" was not provided|is not defined by type "\w+")(?:\. Did you mean [^?]*\?)?\.|Expected type "\w+" to be an object\.|(?:DateTime|Date|Decimal) must be [\w\s(),"-.]*)$/;

function scrubVariableMessage(message: string): string {
  const match = INVALID_VARIABLE.exec(message);
  if (!match) return message;
  const [, variable, path, reason = ""] = match;
  const where = path ? ` at "${path}"` : "";
  const cannotRepresent = /^(\w+(?: "\w+")? cannot represent[^:]*)/.exec(reason)?.[1];
  const why = VALUE_FREE_REASON.test(reason)
    ? reason
    : cannotRepresent
      ? `${cannotRepresent}.`
      : "it does not match its type.";
  return `Variable "${variable}" got an invalid value${where}; ${why}`;
}

/**
 * True for an error that is not one of ours nor a GraphQL request error: a bug or a failure
 * inside the gateway. Such an error is masked in the answer and logged in full.
 */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof GatewayError) return false;
  if (!(original instanceof GraphQLError)) return true;
  const code = original.extensions?.code;
  return code === undefined
    ? !isApolloRequestError(original)
    : code === ErrorCode.InternalServerError;
}

/**
 * Apollo refuses some requests with a GraphQLError that has an HTTP status of 4xx but no code
 * (a persisted-query id that is not its document's sha256): the request's fault, not a bug.
 */
function isApolloRequestError(error: GraphQLError): boolean {
  const status = httpStatus(error);
  return typeof status === "number" && status >= 400 && status < 500;
}

/** The HTTP status Apollo gives an error of its own, if any. */
function httpStatus(error: GraphQLError): unknown {
  return (error.extensions?.http as { status?: unknown } | undefined)?.status;
}

/** Apollo's answer to a mutation sent as a GET (HTTP 405, `Allow: POST`), in the gateway's words. */
const MUTATION_AS_GET: GraphQLFormattedError = {
  message:
    "A GET runs queries only: send a mutation as a POST with `Content-Type: application/json`.",
  extensions: { code: ErrorCode.MethodNotAllowed },
};

/** Apollo's `formatError` (see the module comment). This function must not throw. */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GatewayError) {
    // `http` (an error's HTTP status and headers) is Apollo's to read, not the client's.
    const { http: _http, ...extensions } = original.extensions;
    return { message: original.message, path: formatted.path, extensions };
  }
  if (original instanceof GraphQLError && httpStatus(original) === 405) return MUTATION_AS_GET;
  if (
    original instanceof GraphQLError &&
    original.extensions?.code === undefined &&
    isApolloRequestError(original)
  ) {
    // Apollo filled in INTERNAL_SERVER_ERROR for the missing code.
    return { message: original.message, extensions: { code: ErrorCode.BadRequest } };
  }
  if (!isUnexpected(error) && formatted.extensions?.code !== ErrorCode.InternalServerError) {
    const { stacktrace: _ignored, ...extensions } = formatted.extensions ?? {};
    // A validation error's message was made final in the validation hook.
    const message =
      extensions.code === "GRAPHQL_VALIDATION_FAILED"
        ? formatted.message
        : scrubVariableMessage(formatted.message);
    return { ...formatted, message, extensions };
  }
  return {
    message: ERRORS[ErrorCode.InternalServerError].message,
    path: formatted.path,
    extensions: { code: ErrorCode.InternalServerError },
  };
}
