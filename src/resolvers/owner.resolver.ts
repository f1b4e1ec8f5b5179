import { Resolver } from "type-graphql";
import { ResumeOwnersResult, RetrieveOwnersResult } from "../types/results.type.js";
import { ResumeOwnersInput } from "../types/resume.input.js";
import { RetrieveOwnersInput } from "../types/retrieve.input.js";
import { OWNERS } from "../upstream/resources.js";
import { standardRequest, retrievable } from "./mfa-step.js";

/** `retrieveOwners` and `resumeOwners`. */
@Resolver()
export class OwnerResolver extends retrievable(OWNERS, {
  retrieve: {
    name: "retrieveOwners",
    description: "Starts an owners retrieval (POST /api/owners/).",
    input: RetrieveOwnersInput,
    result: RetrieveOwnersResult,
  },
  resume: {
    name: "resumeOwners",
    description: "Answers an owners retrieval's MFA challenge (PATCH /api/owners/).",
    input: ResumeOwnersInput,
    result: ResumeOwnersResult,
  },
  toRequest: standardRequest,
}) {}
