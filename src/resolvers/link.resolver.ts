import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { Link } from "../types/link.type.js";
import { RegisterLinkInput } from "../types/register-link.input.js";
import { RegisterLinkResult, ResumeLinkResult } from "../types/results.type.js";
import { ResumeLinkInput } from "../types/resume.input.js";
import { withLinkStatus } from "./recovery.js";
import { checkRegisterLinkInput, checkResumeInput, checkUuid } from "../validation.js";

@Resolver(() => Link)
export class LinkResolver {
  @Query(() => Link, {
    nullable: true,
    description: "One link (GET /api/links/{id}/); null when Belvo has none.",
  })
  link(@Arg("id", () => ID) id: string, @Ctx() { belvo }: Context): Promise<Link | null> {
    checkUuid("id", id);
    return belvo.getLink(id);
  }

  @Mutation(() => RegisterLinkResult, { description: "Starts a link (POST /api/links/)." })
  registerLink(
    @Arg("input", () => RegisterLinkInput) input: RegisterLinkInput,
    @Ctx() { belvo }: Context,
  ): Promise<typeof RegisterLinkResult> {
    checkRegisterLinkInput(input);
    return belvo.registerLink(input);
  }

  @Mutation(() => ResumeLinkResult, {
    description: "Answers a link's MFA challenge (PATCH /api/links/).",
  })
  resumeLink(
    @Arg("input", () => ResumeLinkInput) input: ResumeLinkInput,
    @Ctx() { belvo, attempts }: Context,
  ): Promise<typeof ResumeLinkResult> {
    checkResumeInput(input);
    return withLinkStatus(belvo, input.link, () =>
      attempts.resume(input.link, () => belvo.resumeLink(input)),
    );
  }
}
