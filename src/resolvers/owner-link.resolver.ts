import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Link } from "../types/link.type.js";
import { Owner } from "../types/owner.type.js";

/** An owner as read from Belvo (upstream/data-mapping.ts `toOwner`): with the link id it sent. */
type OwnerRead = Owner & { linkId?: string | null };

@Resolver(() => Owner)
export class OwnerLinkResolver {
  @FieldResolver(() => Link, {
    nullable: true,
    description: "Loaded with every other link of the operation in one call.",
  })
  link(@Root() owner: OwnerRead, @Ctx() { loaders }: Context): Promise<Link | null> | null {
    return owner.linkId ? loaders.link.load(owner.linkId) : null;
  }
}
