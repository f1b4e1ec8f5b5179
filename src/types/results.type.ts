import { createUnionType } from "type-graphql";
import { Link } from "./link.type.js";
import { MfaChallenge } from "./mfa-challenge.type.js";

/** Every step of an MFA flow answers its success member or a challenge: one union per step. */
export function orChallenge<T extends object>(
  success: new () => T,
  name: string,
  what: string,
  fresh: boolean,
  /** A third member (RetrievalAccepted, for an asynchronous retrieval), described by `also`. */
  accepted?: { type: new () => object; also: string },
) {
  return createUnionType({
    name,
    description: fresh
      ? `${what}, or a fresh challenge when the institution asks for another factor.`
      : `${what}, or a challenge when the institution asks for a second factor${accepted ? `; ${accepted.also}` : ""}.`,
    types: () =>
      accepted
        ? ([success, MfaChallenge, accepted.type] as const)
        : ([success, MfaChallenge] as const),
    resolveType: (value) =>
      value instanceof MfaChallenge
        ? MfaChallenge
        : accepted && value instanceof accepted.type
          ? accepted.type
          : success,
  });
}

export const RegisterLinkResult = orChallenge(Link, "RegisterLinkResult", "The new link", false);
export const ResumeLinkResult = orChallenge(Link, "ResumeLinkResult", "The link", true);
