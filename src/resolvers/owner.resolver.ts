import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { OwnerList } from "../types/owner.type.js";
import { ResumeOwnersResult, RetrieveOwnersResult } from "../types/results.type.js";
import { RetrieveOwnersInput } from "../types/retrieve.input.js";
import { ResumeOwnersInput } from "../types/resume.input.js";
import { checkRetrieveInput } from "../validation.js";
import { resumeStep } from "./mfa-step.js";

@Resolver(() => OwnerList)
export class OwnerResolver {
  @Mutation(() => RetrieveOwnersResult, {
    description: "Starts an owners retrieval (POST /api/owners/).",
  })
  retrieveOwners(
    @Arg("input", () => RetrieveOwnersInput) input: RetrieveOwnersInput,
    @Ctx() { belvo }: Context,
  ): Promise<typeof RetrieveOwnersResult> {
    checkRetrieveInput(input);
    return belvo.retrieveOwners(input);
  }

  @Mutation(() => ResumeOwnersResult, {
    description: "Answers an owners retrieval's MFA challenge (PATCH /api/owners/).",
  })
  resumeOwners(
    @Arg("input", () => ResumeOwnersInput) input: ResumeOwnersInput,
    @Ctx() context: Context,
  ): Promise<typeof ResumeOwnersResult> {
    return resumeStep(input, context, (request) => context.belvo.resumeOwners(request));
  }
}
