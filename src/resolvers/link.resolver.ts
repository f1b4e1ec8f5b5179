import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Account } from "../types/account.type.js";
import type { Context } from "../context.js";
import { Link } from "../types/link.type.js";
import { RegisterLinkInput } from "../types/register-link.input.js";
import { RegisterLinkResult, ResumeLinkResult } from "../types/results.type.js";
import { ResumeLinkInput } from "../types/resume.input.js";
import { checkRegisterLinkInput, checkUuid } from "../validation.js";
import { resumable } from "./mfa-step.js";
import { LINKS } from "../upstream/resources.js";

@Resolver(() => Link)
export class LinkResolver extends resumable(LINKS, {
  name: "resumeLink",
  description: "Answers a link's MFA challenge (PATCH /api/links/).",
  input: ResumeLinkInput,
  result: ResumeLinkResult,
}) {
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
    @Ctx() { belvo, attempts }: Context,
  ): Promise<typeof RegisterLinkResult> {
    checkRegisterLinkInput(input);
    return attempts.login(input.institution, input.username, () => belvo.registerLink(input));
  }

  @FieldResolver(() => [Account], {
    nullable: "items",
    description:
      "The link's accounts as Belvo stored them (GET /api/accounts/?link__in=…, one call for every link of the operation).",
  })
  async accounts(@Root() link: Link, @Ctx() { loaders }: Context): Promise<(Account | Error)[]> {
    const accounts = await loaders.accountsOfLink.load(link.id);
    // An account Belvo sent that cannot be read is an error at its path; the rest is served.
    return accounts;
  }
}
