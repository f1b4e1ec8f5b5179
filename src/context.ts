import type { RequestIds } from "./edge/http-io.js";
import type { AttemptGuard } from "./guards/attempts.js";
import type { Guards } from "./guards/guards.js";
import { createLoaders, type Loaders } from "./loaders.js";
import type { Log, RequestLogger } from "./logger.js";
import type { RequestTrace } from "./tracing/tracing.js";
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
  /** The request's trace, when tracing is on: child spans hang from it. */
  trace?: RequestTrace;
  /** The operation's estimated Belvo requests (src/guards/upstream-cost.ts), once resolved. */
  upstreamCost?: number;
}

/** The context of one GraphQL request, built in this one place. */
export function requestContext(
  parts: Pick<Context, "belvo" | "clientGone" | "now" | "trace"> & {
    ids: RequestIds;
    guards: Guards;
    logger: RequestLogger;
  },
): Context {
  const { ids, belvo, guards, logger, clientGone, now, trace } = parts;
  return {
    attempts: guards.attempts(logger, trace),
    ...ids,
    belvo,
    loaders: createLoaders(belvo),
    logger,
    clientGone,
    now,
    trace,
    // Set once the operation is resolved; present from the start, so the object keeps one shape.
    upstreamCost: undefined,
  } satisfies Context;
}
