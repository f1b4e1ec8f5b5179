import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { Balance } from "../types/balance.type.js";
import { ResumeBalancesResult, RetrieveBalancesResult } from "../types/results.type.js";
import { ResumeBalancesInput } from "../types/resume.input.js";
import { RetrieveBalancesInput } from "../types/retrieve.input.js";
import { datedRequest, retrievable } from "./mfa-step.js";
import { BALANCES } from "../upstream/resources.js";
import { checkUuid } from "../validation.js";
import { InputError } from "../errors.js";
import { DateScalar } from "../types/scalars.js";

/** `retrieveBalances`, `resumeBalances`, and the balances Belvo saved. */
@Resolver()
export class BalanceResolver extends retrievable(BALANCES, {
  retrieve: {
    name: "retrieveBalances",
    description: "Starts a balance retrieval (POST /api/balances/).",
    input: RetrieveBalancesInput,
    result: RetrieveBalancesResult,
  },
  resume: {
    name: "resumeBalances",
    description: "Answers a balance retrieval's MFA challenge (PATCH /api/balances/).",
    input: ResumeBalancesInput,
    result: ResumeBalancesResult,
  },
  toRequest: datedRequest,
}) {
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
}
