import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { AccountList } from "../types/account.type.js";
import { ResumeAccountsResult, RetrieveAccountsResult } from "../types/results.type.js";
import { RetrieveAccountsInput } from "../types/retrieve.input.js";
import { ResumeAccountsInput } from "../types/resume.input.js";
import { checkRetrieveInput } from "../validation.js";
import { resumeStep } from "./mfa-step.js";

@Resolver(() => AccountList)
export class AccountListResolver {
  @Mutation(() => RetrieveAccountsResult, {
    description: "Starts an accounts retrieval (POST /api/accounts/).",
  })
  retrieveAccounts(
    @Arg("input", () => RetrieveAccountsInput) input: RetrieveAccountsInput,
    @Ctx() { belvo }: Context,
  ): Promise<typeof RetrieveAccountsResult> {
    checkRetrieveInput(input);
    return belvo.retrieveAccounts(input);
  }

  @Mutation(() => ResumeAccountsResult, {
    description: "Answers an accounts retrieval's MFA challenge (PATCH /api/accounts/).",
  })
  resumeAccounts(
    @Arg("input", () => ResumeAccountsInput) input: ResumeAccountsInput,
    @Ctx() context: Context,
  ): Promise<typeof ResumeAccountsResult> {
    return resumeStep(input, context, (request) => context.belvo.resumeAccounts(request));
  }
}
