import { Resolver } from "type-graphql";
import { AccountList } from "../types/account.type.js";
import { ResumeAccountsResult, RetrieveAccountsResult } from "../types/results.type.js";
import { RetrieveAccountsInput } from "../types/retrieve.input.js";
import { ResumeAccountsInput } from "../types/resume.input.js";
import { ACCOUNTS } from "../upstream/resources.js";
import { retrievable, standardRequest } from "./mfa-step.js";

@Resolver(() => AccountList)
export class AccountListResolver extends retrievable(
  ACCOUNTS,
  { name: "Accounts", what: "an accounts retrieval" },
  [RetrieveAccountsInput, ResumeAccountsInput],
  [RetrieveAccountsResult, ResumeAccountsResult],
  standardRequest,
) {}
