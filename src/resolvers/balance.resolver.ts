import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import { ResumeBalancesResult, RetrieveBalancesResult } from "../types/results.type.js";
import { RetrieveBalancesInput } from "../types/retrieve-balances.input.js";
import { ResumeBalancesInput } from "../types/resume.input.js";
import { checkResumeInput, checkRetrieveBalancesInput, checkUuid } from "../validation.js";
import { InputError } from "../errors.js";
import { DateScalar } from "../types/scalars.js";
import { withLinkStatus } from "./recovery.js";

@Resolver(() => BalanceList)
export class BalanceResolver {
  @Query(() => [Balance], {
    description:
      "Balances Belvo saved for a link (GET /api/balances/, every page), e.g. by a retrieval whose answer was lost. dateFrom/dateTo bound valueDate, inclusive.",
  })
  balances(
    @Arg("link", () => ID) link: string,
    @Arg("dateFrom", () => DateScalar, { nullable: true }) dateFrom: string | null,
    @Arg("dateTo", () => DateScalar, { nullable: true }) dateTo: string | null,
    @Arg("account", () => ID, { nullable: true }) account: string | null,
    @Ctx() { belvo }: Context,
  ): Promise<Balance[]> {
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
    return withLinkStatus(belvo, input.link, () =>
      attempts.resume(input.link, () => belvo.resumeBalances(input)),
    );
  }
}
