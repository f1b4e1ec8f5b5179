import { createUnionType } from "type-graphql";
import { AccountList } from "./account.type.js";
import { BalanceList } from "./balance.type.js";
import { Link } from "./link.type.js";
import { MfaChallenge } from "./mfa-challenge.type.js";
import { OwnerList } from "./owner.type.js";
import { TransactionList } from "./transaction.type.js";

/** Every step of an MFA flow answers its success member or a challenge: one union per step. */
function orChallenge<T extends object>(
  success: new () => T,
  name: string,
  what: string,
  fresh: boolean,
) {
  return createUnionType({
    name,
    description: fresh
      ? `${what}, or a fresh challenge when the institution asks for another factor.`
      : `${what}, or a challenge when the institution asks for a second factor.`,
    types: () => [success, MfaChallenge] as const,
    resolveType: (value) => (value instanceof MfaChallenge ? MfaChallenge : success),
  });
}

export const RegisterLinkResult = orChallenge(Link, "RegisterLinkResult", "The new link", false);
export const ResumeLinkResult = orChallenge(Link, "ResumeLinkResult", "The link", true);
export const RetrieveBalancesResult = orChallenge(
  BalanceList,
  "RetrieveBalancesResult",
  "The balances",
  false,
);
export const ResumeBalancesResult = orChallenge(
  BalanceList,
  "ResumeBalancesResult",
  "The balances",
  true,
);
export const RetrieveAccountsResult = orChallenge(
  AccountList,
  "RetrieveAccountsResult",
  "The accounts",
  false,
);
export const ResumeAccountsResult = orChallenge(
  AccountList,
  "ResumeAccountsResult",
  "The accounts",
  true,
);
export const RetrieveTransactionsResult = orChallenge(
  TransactionList,
  "RetrieveTransactionsResult",
  "The transactions",
  false,
);
export const ResumeTransactionsResult = orChallenge(
  TransactionList,
  "ResumeTransactionsResult",
  "The transactions",
  true,
);
export const RetrieveOwnersResult = orChallenge(
  OwnerList,
  "RetrieveOwnersResult",
  "The owners",
  false,
);
export const ResumeOwnersResult = orChallenge(OwnerList, "ResumeOwnersResult", "The owners", true);
