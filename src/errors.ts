/**
 * The errors' one entry point for the rest of the gateway; they live in src/errors/: the table of
 * codes (codes.ts), the error classes and the upstream factories (classes.ts), formatError
 * (format.ts), and the describer of input values with its validation hook (input-values.ts,
 * validation-hook.ts).
 */
export { ERRORS, ErrorCode, type ErrorKind, type RefusalCode } from "./errors/codes.js";
export {
  GatewayError,
  InputError,
  UpstreamError,
  statusOnly,
  type UpstreamDetails,
  type UpstreamErrorCode,
} from "./errors/classes.js";
export { formatError, isUnexpected } from "./errors/format.js";
