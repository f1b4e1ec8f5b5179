import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { TransactionList } from "../types/transaction.type.js";
import { ResumeTransactionsResult, RetrieveTransactionsResult } from "../types/results.type.js";
import { RetrieveTransactionsInput } from "../types/retrieve.input.js";
import { ResumeTransactionsInput } from "../types/resume.input.js";
import { datedRequest, resumeStep } from "./mfa-step.js";

@Resolver(() => TransactionList)
export class TransactionResolver {
  @Mutation(() => RetrieveTransactionsResult, {
    description: "Starts a transactions retrieval (POST /api/transactions/).",
  })
  retrieveTransactions(
    @Arg("input", () => RetrieveTransactionsInput) input: RetrieveTransactionsInput,
    @Ctx() context: Context,
  ): Promise<typeof RetrieveTransactionsResult> {
    return context.belvo.retrieveTransactions(datedRequest(input, context));
  }

  @Mutation(() => ResumeTransactionsResult, {
    description: "Answers a transactions retrieval's MFA challenge (PATCH /api/transactions/).",
  })
  resumeTransactions(
    @Arg("input", () => ResumeTransactionsInput) input: ResumeTransactionsInput,
    @Ctx() context: Context,
  ): Promise<typeof ResumeTransactionsResult> {
    return resumeStep(input, context, (request) => context.belvo.resumeTransactions(request));
  }
}
