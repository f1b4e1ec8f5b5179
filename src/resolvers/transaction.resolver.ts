import { Resolver } from "type-graphql";
import { TransactionList } from "../types/transaction.type.js";
import { ResumeTransactionsResult, RetrieveTransactionsResult } from "../types/results.type.js";
import { RetrieveTransactionsInput } from "../types/retrieve.input.js";
import { ResumeTransactionsInput } from "../types/resume.input.js";
import { TRANSACTIONS } from "../upstream/resources.js";
import { datedRequest, retrievable } from "./mfa-step.js";

@Resolver(() => TransactionList)
export class TransactionResolver extends retrievable(
  TRANSACTIONS,
  { name: "Transactions", what: "a transactions retrieval" },
  [RetrieveTransactionsInput, ResumeTransactionsInput],
  [RetrieveTransactionsResult, ResumeTransactionsResult],
  datedRequest,
) {}
