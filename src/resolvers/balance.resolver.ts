import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import { ResumeBalancesResult, RetrieveBalancesResult } from "../types/results.type.js";
import { RetrieveBalancesInput } from "../types/retrieve.input.js";
import { ResumeBalancesInput } from "../types/resume.input.js";
import { datedRequest, resumeStep } from "./mfa-step.js";
import { checkUuid } from "../validation.js";
import { InputError } from "../errors.js";
import { DateScalar } from "../types/scalars.js";

@Resolver(() => BalanceList)
export class BalanceResolver {
  @Query(() => [Balance], {
    nullable: "items",
    description:
      "Balances Belvo saved for a link (GET /api/balances/, every page), e.g. by a retrieval whose answer was lost. dateFrom/dateTo bound valueDate, inclusive.",
  })
  balances(
    @Arg("link", () => ID) link: string,
    @Arg("dateFrom", () => DateScalar, { nullable: true }) dateFrom: string | null,
    @Arg("dateTo", () => DateScalar, { nullable: true }) dateTo: string | null,
    @Arg("account", () => ID, { nullable: true }) account: string | null,
    @Ctx() { belvo }: Context,
  ): Promise<(Balance | Error)[]> {
    checkUuid("link", link);
    if (account !== null && account !== undefined) checkUuid("account", account);
    if (dateFrom && dateTo && dateFrom > dateTo) {
      throw new InputError("dateTo", "must be on or after dateFrom.");
    }
    return belvo.savedBalances({ link, dateFrom, dateTo, account });
  }

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
