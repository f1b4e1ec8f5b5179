import type { GraphQLResolveInfo } from "graphql";
import { Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Link } from "../types/link.type.js";
import { Owner } from "../types/owner.type.js";
import { linkReference } from "./link-reference.js";

/** An owner as read from Belvo (upstream/data-mapping.ts `toOwner`): with the link id it sent. */
type OwnerRead = Owner & { linkId?: string | null };

@Resolver(() => Owner)
export class OwnerLinkResolver {
  @FieldResolver(() => Link, {
    nullable: true,
    description:
      "The link Belvo names: its id as sent; any other field loads it, with every other link of the operation, in one call.",
  })
  link(
    @Root() owner: OwnerRead,
    @Ctx() { loaders }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Link | Promise<Link | null> | null {
    return owner.linkId ? linkReference(owner.linkId, info, loaders) : null;
  }
}
