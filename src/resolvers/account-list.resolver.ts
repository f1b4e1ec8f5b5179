import { Resolver } from "type-graphql";
import { AccountList } from "../types/account.type.js";
import { ACCOUNT_STEPS } from "../types/retrieval.type.js";
import { ACCOUNTS } from "../upstream/resources.js";
import { standardRequest, retrievable } from "./mfa-step.js";

@Resolver(() => AccountList)
export class AccountListResolver extends retrievable(ACCOUNTS, ACCOUNT_STEPS, standardRequest) {}
