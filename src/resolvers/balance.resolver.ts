import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { BalanceList } from "../types/balance.type.js";
import { ResumeBalancesResult, RetrieveBalancesResult } from "../types/results.type.js";
import { RetrieveBalancesInput } from "../types/retrieve.input.js";
import { ResumeBalancesInput } from "../types/resume.input.js";
import { datedRequest, resumeStep } from "./mfa-step.js";

@Resolver(() => BalanceList)
export class BalanceResolver {
  @Mutation(() => RetrieveBalancesResult, {
    description: "Starts a balance retrieval (POST /api/balances/).",
  })
  retrieveBalances(
    @Arg("input", () => RetrieveBalancesInput) input: RetrieveBalancesInput,
    @Ctx() context: Context,
  ): Promise<typeof RetrieveBalancesResult> {
    return context.belvo.retrieveBalances(datedRequest(input, context));
  }

  @Mutation(() => ResumeBalancesResult, {
    description: "Answers a balance retrieval's MFA challenge (PATCH /api/balances/).",
  })
  resumeBalances(
    @Arg("input", () => ResumeBalancesInput) input: ResumeBalancesInput,
    @Ctx() context: Context,
  ): Promise<typeof ResumeBalancesResult> {
    return resumeStep(input, context, (request) => context.belvo.resumeBalances(request));
  }
}
