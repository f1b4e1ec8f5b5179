import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Account, type AccountData } from "../types/account.type.js";
import { Institution } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { DecimalScalar } from "../types/scalars.js";

/**
 * A field Belvo embedded is served as it came; one it left out is loaded, with every other
 * account of the operation, in one `GET /api/accounts/?id__in=…`.
 */
async function field<K extends keyof AccountData>(account: Account, key: K, { loaders }: Context) {
  const embedded = account.data[key];
  if (embedded !== undefined) return embedded ?? null;
  return (await loaders.account.load(account.id))?.[key] ?? null;
}

@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver(() => String, { nullable: true })
  name(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "name", context);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "e.g. CHECKING_ACCOUNT, CREDIT_CARD.",
  })
  category(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "category", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "ISO-4217 currency code." })
  currency(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "currency", context);
  }

  @FieldResolver(() => String, { nullable: true })
  number(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "number", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "The institution's own label." })
  type(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "type", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "ASSET or LIABILITY." })
  balanceType(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "balanceType", context);
  }

  @FieldResolver(() => DecimalScalar, { nullable: true })
  currentBalance(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "currentBalance", context);
  }

  @FieldResolver(() => DecimalScalar, { nullable: true })
  availableBalance(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "availableBalance", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "e.g. CLABE, AGENCY/ACCOUNT." })
  publicIdentificationName(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "publicIdentificationName", context);
  }

  @FieldResolver(() => String, { nullable: true })
  publicIdentificationValue(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "publicIdentificationValue", context);
  }

  @FieldResolver(() => Institution, { nullable: true })
  async institution(@Root() root: Account, @Ctx() context: Context): Promise<Institution | null> {
    const name = await field(root, "institutionName", context);
    return name === null ? null : Object.assign(new Institution(), { name });
  }

  @FieldResolver(() => Link, {
    nullable: true,
    description: "Loaded with every other link of the operation in one call.",
  })
  async link(@Root() root: Account, @Ctx() context: Context): Promise<Link | null> {
    const id = await field(root, "linkId", context);
    return id === null ? null : context.loaders.link.load(id);
  }
}
