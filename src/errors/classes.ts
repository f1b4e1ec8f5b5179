/**
 * The gateway's own errors (Apollo Server's model: classes that extend GraphQLError with a fixed
 * `extensions.code`). An UpstreamError is made only by its named factories, one for each case of
 * CONTRACT.md's outcomes, each of which knows its code and whether it is retryable.
 */
import { GraphQLError } from "graphql";
import { ERRORS, ErrorCode } from "./codes.js";

export type UpstreamErrorCode =
  | typeof ErrorCode.BadUserInput
  | typeof ErrorCode.MfaSessionExpired
  | typeof ErrorCode.UpstreamRejected
  | typeof ErrorCode.UpstreamAuthFailed
  | typeof ErrorCode.UpstreamTimeout
  | typeof ErrorCode.UpstreamError
  | typeof ErrorCode.UpstreamUnavailable
  | typeof ErrorCode.UpstreamRateLimited;

/** What Belvo said, as far as it said it: status null when no answer arrived. */
export interface UpstreamDetails {
  status: number | null;
  code: string | null;
  requestId: string | null;
}

/** Base of every error the gateway shows to clients as it is. */
export class GatewayError extends GraphQLError {
  constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

/** The client's input was refused before any upstream call. `field` names the input path. */
export class InputError extends GatewayError {
  constructor(field: string, problem: string) {
    super(`Invalid ${field}: ${problem}`, ErrorCode.BadUserInput, { field });
  }
}

/** One occurrence of an upstream error, as a factory builds it. */
interface UpstreamOccurrence {
  code: UpstreamErrorCode;
  message: string;
  upstream: UpstreamDetails;
  retryable: boolean;
  /** More extensions: `field` (an input path), `retryAfter` (seconds). */
  extra?: { field?: string; retryAfter?: number };
}

/** UpstreamError or a subclass of it (src/upstream/belvo-http.ts: UnsentCall). */
type UpstreamErrorClass<E> = new (occurrence: UpstreamOccurrence) => E;

/** Details of an answer that said nothing Belvo-shaped: its status only. */
export function statusOnly(status: number | null): UpstreamDetails {
  return { status, code: null, requestId: null };
}

/**
 * Belvo answered with something other than success or an MFA challenge, or did not answer. Made
 * by a named factory (`UpstreamError.timeout(…)`); called on a subclass, a factory makes one of it.
 */
export class UpstreamError extends GatewayError {
  constructor({ code, message, upstream, retryable, extra = {} }: UpstreamOccurrence) {
    super(message, code, { upstream, retryable, ...extra });
  }

  /** Belvo refused the gateway's own key pair (401): the operator's problem. */
  static authFailed<E>(this: UpstreamErrorClass<E>, upstream: UpstreamDetails): E {
    const { message } = ERRORS[ErrorCode.UpstreamAuthFailed];
    return new this({ code: ErrorCode.UpstreamAuthFailed, message, upstream, retryable: false });
  }

  /** Belvo's rate-limit page: retryable after `retryAfter` seconds. */
  static rateLimited<E>(
    this: UpstreamErrorClass<E>,
    message: string,
    upstream: UpstreamDetails,
    retryAfter: number,
  ): E {
    const code = ErrorCode.UpstreamRateLimited;
    return new this({ code, message, upstream, retryable: true, extra: { retryAfter } });
  }

  /** Belvo's 408, or no answer within the deadline: retryable. */
  static timeout<E>(this: UpstreamErrorClass<E>, message: string, upstream: UpstreamDetails): E {
    return new this({ code: ErrorCode.UpstreamTimeout, message, upstream, retryable: true });
  }

  /** Belvo failed (5xx): retryable. */
  static failed<E>(this: UpstreamErrorClass<E>, message: string, upstream: UpstreamDetails): E {
    return new this({ code: ErrorCode.UpstreamError, message, upstream, retryable: true });
  }

  /** An answer the gateway cannot read or use (not the expected JSON, too large): not retryable. */
  static unreadable<E>(this: UpstreamErrorClass<E>, message: string, upstream: UpstreamDetails): E {
    return new this({ code: ErrorCode.UpstreamError, message, upstream, retryable: false });
  }

  /** No connection, or it was cut: retryable. */
  static unavailable<E>(this: UpstreamErrorClass<E>, upstream: UpstreamDetails): E {
    const { message } = ERRORS[ErrorCode.UpstreamUnavailable];
    return new this({ code: ErrorCode.UpstreamUnavailable, message, upstream, retryable: true });
  }

  /** Belvo's `session_expired`: the MFA flow starts again. */
  static sessionExpired<E>(this: UpstreamErrorClass<E>, upstream: UpstreamDetails): E {
    const { message } = ERRORS[ErrorCode.MfaSessionExpired];
    return new this({ code: ErrorCode.MfaSessionExpired, message, upstream, retryable: false });
  }

  /** Belvo's field error; `field` is the input's path when Belvo named one of its fields. */
  static invalidInput<E>(
    this: UpstreamErrorClass<E>,
    message: string,
    upstream: UpstreamDetails,
    field: string | null,
  ): E {
    const extra = field === null ? {} : { field };
    return new this({ code: ErrorCode.BadUserInput, message, upstream, retryable: false, extra });
  }

  /** Belvo refused the request for good (`login_error`, `invalid_link`, 403, 404, …). */
  static rejected<E>(this: UpstreamErrorClass<E>, message: string, upstream: UpstreamDetails): E {
    return new this({ code: ErrorCode.UpstreamRejected, message, upstream, retryable: false });
  }

  /** The same error, its `field` named as the schema names it (Belvo's name differs). */
  withField(field: string, message: string): UpstreamError {
    const { code, upstream, retryable, ...extra } = this.extensions;
    return new UpstreamError({
      code: code as UpstreamErrorCode,
      message,
      upstream: upstream as UpstreamDetails,
      retryable: retryable === true,
      extra: { ...extra, field },
    });
  }

  /** Belvo refused the request for now (`institution_down`, `too_many_sessions`): retryable. */
  static rejectedForNow<E>(
    this: UpstreamErrorClass<E>,
    message: string,
    upstream: UpstreamDetails,
  ): E {
    return new this({ code: ErrorCode.UpstreamRejected, message, upstream, retryable: true });
  }
}
