import { createUnionType } from "type-graphql";
import { BalanceList } from "./balance.type.js";
import { Link } from "./link.type.js";
import { MfaChallenge } from "./mfa-challenge.type.js";

export const ResumeLinkResult = createUnionType({
  name: "ResumeLinkResult",
  description: "The link, or a fresh challenge when the institution asks for another factor.",
  types: () => [Link, MfaChallenge] as const,
  resolveType: (value) => (value instanceof MfaChallenge ? MfaChallenge : Link),
});

export const ResumeBalancesResult = createUnionType({
  name: "ResumeBalancesResult",
  description: "The balances, or a fresh challenge when the institution asks for another factor.",
  types: () => [BalanceList, MfaChallenge] as const,
  resolveType: (value) => (value instanceof MfaChallenge ? MfaChallenge : BalanceList),
});
