import { createUnionType } from "type-graphql";
import { BalanceList } from "./balance.type.js";
import { Link } from "./link.type.js";
import { MfaChallenge } from "./mfa-challenge.type.js";

function linkOrChallenge(name: string, description: string) {
  return createUnionType({
    name,
    description,
    types: () => [Link, MfaChallenge] as const,
    resolveType: (value) => (value instanceof MfaChallenge ? MfaChallenge : Link),
  });
}

function balancesOrChallenge(name: string, description: string) {
  return createUnionType({
    name,
    description,
    types: () => [BalanceList, MfaChallenge] as const,
    resolveType: (value) => (value instanceof MfaChallenge ? MfaChallenge : BalanceList),
  });
}

export const RegisterLinkResult = linkOrChallenge(
  "RegisterLinkResult",
  "The new link, or a challenge when the institution asks for a second factor.",
);
export const ResumeLinkResult = linkOrChallenge(
  "ResumeLinkResult",
  "The link, or a fresh challenge when the institution asks for another factor.",
);
export const RetrieveBalancesResult = balancesOrChallenge(
  "RetrieveBalancesResult",
  "The balances, or a challenge when the institution asks for a second factor.",
);
export const ResumeBalancesResult = balancesOrChallenge(
  "ResumeBalancesResult",
  "The balances, or a fresh challenge when the institution asks for another factor.",
);
