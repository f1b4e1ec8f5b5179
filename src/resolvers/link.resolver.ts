import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { Link } from "../types/link.type.js";
import { checkUuid } from "../validation.js";

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
}
