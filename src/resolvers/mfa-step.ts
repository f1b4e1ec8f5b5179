/** What every MFA step's resolver does, whatever the resource: check, send, cap failed resumes. */
import type { Context } from "../context.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import type { ResumeDataRequest } from "../upstream/belvo.js";
import { checkRetrieveBalancesInput, checkResumeInput } from "../validation.js";
import { withLinkStatus } from "./recovery.js";

/**
 * A resume: the input checked, then sent under the per-link cap on failed attempts; an
 * MFA_SESSION_EXPIRED answer carries the link's status (a lost answer may have linked it).
 */
export function resumeStep<T>(
  input: ResumeDataRequest,
  { attempts, belvo }: Context,
  send: (input: ResumeDataRequest) => Promise<T | MfaChallenge>,
): Promise<T | MfaChallenge> {
  checkResumeInput(input);
  return withLinkStatus(belvo, input.link, () => attempts.resume(input.link, () => send(input)));
}

export interface DatedInput {
  link: string;
  dateFrom: string;
  dateTo?: string | null;
  account?: string | null;
  saveData?: boolean | null;
}

/** A dated retrieval's request: `dateTo` defaults to today on the gateway's clock; checked. */
export function datedRequest(input: DatedInput, { now }: Context) {
  const request = { ...input, dateTo: input.dateTo ?? now().toISOString().slice(0, 10) };
  checkRetrieveBalancesInput(request);
  return request;
}
