import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { BalanceList } from "../types/balance.type.js";
import { ResumeBalancesResult, RetrieveBalancesResult } from "../types/results.type.js";
import { RetrieveBalancesInput } from "../types/retrieve-balances.input.js";
import { ResumeBalancesInput } from "../types/resume.input.js";
import { checkResumeInput, checkRetrieveBalancesInput } from "../validation.js";

@Resolver(() => BalanceList)
export class BalanceResolver {
  @Mutation(() => RetrieveBalancesResult, {
    description: "Starts a balance retrieval (POST /api/balances/).",
  })
  retrieveBalances(
    @Arg("input", () => RetrieveBalancesInput) input: RetrieveBalancesInput,
    @Ctx() { belvo, now }: Context,
  ): Promise<typeof RetrieveBalancesResult> {
    const request = { ...input, dateTo: input.dateTo ?? now().toISOString().slice(0, 10) };
    checkRetrieveBalancesInput(request);
    return belvo.retrieveBalances(request);
  }

  @Mutation(() => ResumeBalancesResult, {
    description: "Answers a balance retrieval's MFA challenge (PATCH /api/balances/).",
  })
  resumeBalances(
    @Arg("input", () => ResumeBalancesInput) input: ResumeBalancesInput,
    @Ctx() { belvo, attempts }: Context,
  ): Promise<typeof ResumeBalancesResult> {
    checkResumeInput(input);
    return attempts.resume(input.link, () => belvo.resumeBalances(input));
  }
}
