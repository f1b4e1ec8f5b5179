/**
 * Every step of an MFA flow answers its success member or a challenge: one union per step.
 *
 * No `resolveType` is given: type-graphql's own picks the member class the value is an instance
 * of, synchronously, as graphql-jit needs (a `resolveType` given here would be wrapped in an
 * async function). Every value is made with `new` of its class (upstream/), so it always finds one;
 * test/schema.test.ts proves the answer is a type name, not a promise.
 */
import { createUnionType } from "type-graphql";
import { AccountList } from "./account.type.js";
import { BalanceList } from "./balance.type.js";
import { Link } from "./link.type.js";
import { MfaChallenge } from "./mfa-challenge.type.js";
import { OwnerList } from "./owner.type.js";
import { RetrievalAccepted } from "./retrieval-accepted.type.js";
import { TransactionList } from "./transaction.type.js";

export const RegisterLinkResult = createUnionType({
  name: "RegisterLinkResult",
  description: "The new link, or a challenge when the institution asks for a second factor.",
  types: () => [Link, MfaChallenge] as const,
});

export const ResumeLinkResult = createUnionType({
  name: "ResumeLinkResult",
  description: "The link, or a fresh challenge when the institution asks for another factor.",
  types: () => [Link, MfaChallenge] as const,
});

export const RetrieveAccountsResult = createUnionType({
  name: "RetrieveAccountsResult",
  description: "The accounts, or a challenge when the institution asks for a second factor.",
  types: () => [AccountList, MfaChallenge] as const,
});

export const ResumeAccountsResult = createUnionType({
  name: "ResumeAccountsResult",
  description: "The accounts, or a fresh challenge when the institution asks for another factor.",
  types: () => [AccountList, MfaChallenge] as const,
});

export const RetrieveOwnersResult = createUnionType({
  name: "RetrieveOwnersResult",
  description: "The owners, or a challenge when the institution asks for a second factor.",
  types: () => [OwnerList, MfaChallenge] as const,
});

export const ResumeOwnersResult = createUnionType({
  name: "ResumeOwnersResult",
  description: "The owners, or a fresh challenge when the institution asks for another factor.",
  types: () => [OwnerList, MfaChallenge] as const,
});

export const RetrieveBalancesResult = createUnionType({
  name: "RetrieveBalancesResult",
  description: "The balances, or a challenge when the institution asks for a second factor.",
  types: () => [BalanceList, MfaChallenge] as const,
});

export const ResumeBalancesResult = createUnionType({
  name: "ResumeBalancesResult",
  description: "The balances, or a fresh challenge when the institution asks for another factor.",
  types: () => [BalanceList, MfaChallenge] as const,
});

export const RetrieveTransactionsResult = createUnionType({
  name: "RetrieveTransactionsResult",
  description:
    "The transactions, or a challenge when the institution asks for a second factor; RetrievalAccepted for an asynchronous retrieval.",
  types: () => [TransactionList, MfaChallenge, RetrievalAccepted] as const,
});

export const ResumeTransactionsResult = createUnionType({
  name: "ResumeTransactionsResult",
  description:
    "The transactions, or a fresh challenge when the institution asks for another factor.",
  types: () => [TransactionList, MfaChallenge] as const,
});
