import { Resolver } from "type-graphql";
import { ResumeTransactionsResult, RetrieveTransactionsResult } from "../types/results.type.js";
import { ResumeTransactionsInput } from "../types/resume.input.js";
import { RetrieveTransactionsInput } from "../types/retrieve.input.js";
import { TRANSACTIONS } from "../upstream/resources.js";
import { datedRequest, retrievable } from "./mfa-step.js";

/** `retrieveTransactions` and `resumeTransactions`. */
@Resolver()
export class TransactionResolver extends retrievable(TRANSACTIONS, {
  retrieve: {
    name: "retrieveTransactions",
    description: "Starts a transactions retrieval (POST /api/transactions/).",
    input: RetrieveTransactionsInput,
    result: RetrieveTransactionsResult,
  },
  resume: {
    name: "resumeTransactions",
    description: "Answers a transactions retrieval's MFA challenge (PATCH /api/transactions/).",
    input: ResumeTransactionsInput,
    result: ResumeTransactionsResult,
  },
  toRequest: datedRequest,
}) {}
