import { Resolver } from "type-graphql";
import { OwnerList } from "../types/owner.type.js";
import { OWNER_STEPS } from "../types/retrieval.type.js";
import { OWNERS } from "../upstream/resources.js";
import { standardRequest, retrievable } from "./mfa-step.js";

@Resolver(() => OwnerList)
export class OwnerResolver extends retrievable(OWNERS, OWNER_STEPS, standardRequest) {}
