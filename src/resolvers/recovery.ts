/**
 * Recovery without an idempotency key: a resume whose answer was lost may have linked the
 * account, and its retry then meets `MFA_SESSION_EXPIRED`. The error then carries the link's
 * status (`extensions.linkStatus`), so a frontend can go on instead of asking for a new login.
 */
import { ErrorCode, UpstreamError } from "../errors.js";
import type { LinkStatus } from "../types/enums.js";
import type { BelvoClient } from "../upstream/belvo.js";

/** A handler on the send's rejection alone: a success goes through without another await. */
export function withLinkStatus<T>(
  belvo: BelvoClient,
  link: string,
  send: () => Promise<T>,
): Promise<T> {
  return send().catch(async (error: unknown) => {
    if (error instanceof UpstreamError && error.extensions.code === ErrorCode.MfaSessionExpired) {
      const status = await linkStatus(belvo, link);
      if (status !== null) error.extensions.linkStatus = status;
    }
    throw error;
  });
}

/**
 * Best effort: null when Belvo has no such link, fails, or is slower than the bound
 * (LINK_STATUS_LOOKUP_MS: the most the lookup adds to an MFA_SESSION_EXPIRED answer).
 */
async function linkStatus(belvo: BelvoClient, link: string): Promise<LinkStatus | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), belvo.linkStatusLookupMs);
  });
  const lookup = belvo.getLink(link).then(
    (found) => found?.status ?? null,
    () => null,
  );
  try {
    return await Promise.race([lookup, late]);
  } finally {
    clearTimeout(timer);
  }
}
