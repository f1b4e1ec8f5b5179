import { Resolver } from "type-graphql";
import { ResumeAccountsResult, RetrieveAccountsResult } from "../types/results.type.js";
import { ResumeAccountsInput } from "../types/resume.input.js";
import { RetrieveAccountsInput } from "../types/retrieve.input.js";
import { ACCOUNTS } from "../upstream/resources.js";
import { standardRequest, retrievable } from "./mfa-step.js";

/** `retrieveAccounts` and `resumeAccounts`. */
@Resolver()
export class AccountListResolver extends retrievable(ACCOUNTS, {
  retrieve: {
    name: "retrieveAccounts",
    description: "Starts an accounts retrieval (POST /api/accounts/).",
    input: RetrieveAccountsInput,
    result: RetrieveAccountsResult,
  },
  resume: {
    name: "resumeAccounts",
    description: "Answers an accounts retrieval's MFA challenge (PATCH /api/accounts/).",
    input: ResumeAccountsInput,
    result: ResumeAccountsResult,
  },
  toRequest: standardRequest,
}) {}
