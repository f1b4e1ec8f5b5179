import { Resolver } from "type-graphql";
import { OwnerList } from "../types/owner.type.js";
import { ResumeOwnersResult, RetrieveOwnersResult } from "../types/results.type.js";
import { RetrieveOwnersInput } from "../types/retrieve.input.js";
import { ResumeOwnersInput } from "../types/resume.input.js";
import { OWNERS } from "../upstream/resources.js";
import { retrievable, standardRequest } from "./mfa-step.js";

@Resolver(() => OwnerList)
export class OwnerResolver extends retrievable(
  OWNERS,
  { name: "Owners", what: "an owners retrieval" },
  [RetrieveOwnersInput, ResumeOwnersInput],
  [RetrieveOwnersResult, ResumeOwnersResult],
  standardRequest,
) {}
