import type { AttemptGuard } from "./guards/attempts.js";
import type { Loaders } from "./loaders.js";
import type { Log } from "./logger.js";
import type { BelvoClient } from "./upstream/belvo.js";

/** Built fresh for every GraphQL request. */
export interface Context {
  requestId: string;
  /** The caller's own `x-request-id`, when it sent a sane one and is not the trusted proxy. */
  clientRequestId?: string;
  belvo: BelvoClient;
  /** Caps failed MFA resumes per link and failed logins per institution + username. */
  attempts: AttemptGuard;
  loaders: Loaders;
  /** Carries the request id on every line. */
  logger: Log;
  /** True once the caller's connection closed: no answer will reach it (logged CLIENT_GONE). */
  clientGone: () => boolean;
  /** The gateway's clock (tests pin it). */
  now: () => Date;
}
