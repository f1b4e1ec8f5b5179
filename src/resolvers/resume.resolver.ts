import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { ResumeBalancesResult, ResumeLinkResult } from "../types/results.type.js";
import { ResumeBalancesInput, ResumeLinkInput } from "../types/resume.input.js";
import { checkResumeInput } from "../validation.js";

@Resolver()
export class ResumeResolver {
  @Mutation(() => ResumeLinkResult, {
    description: "Answers a link's MFA challenge (PATCH /api/links/).",
  })
  resumeLink(
    @Arg("input", () => ResumeLinkInput) input: ResumeLinkInput,
    @Ctx() { belvo }: Context,
  ): Promise<typeof ResumeLinkResult> {
    checkResumeInput(input);
    return belvo.resumeLink(input);
  }

  @Mutation(() => ResumeBalancesResult, {
    description: "Answers a balance retrieval's MFA challenge (PATCH /api/balances/).",
  })
  resumeBalances(
    @Arg("input", () => ResumeBalancesInput) input: ResumeBalancesInput,
    @Ctx() { belvo }: Context,
  ): Promise<typeof ResumeBalancesResult> {
    checkResumeInput(input);
    return belvo.resumeBalances(input);
  }
}
