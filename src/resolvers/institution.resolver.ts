import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import {
  FormField,
  Institution,
  InstitutionFeature,
  type InstitutionDetails,
} from "../types/institution.type.js";
import { toInstitution } from "../upstream/mapping.js";
import { InputError } from "../errors.js";

/** Details come with the institution when it was listed; otherwise one batched load per operation. */
async function details(
  institution: Institution,
  { loaders }: Context,
): Promise<InstitutionDetails | null> {
  return institution.details ?? (await loaders.institution.load(institution.name));
}

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => [Institution], {
    nullable: "items",
    description:
      "Belvo's institutions (GET /api/institutions/), every page; one that cannot be read is an error at its path.",
  })
  async institutions(
    @Arg("countryCode", () => String, { nullable: true, description: "ISO-3166 alpha-2, e.g. MX." })
    countryCode: string | null,
    @Ctx() { belvo }: Context,
  ): Promise<(Institution | Error)[]> {
    if (countryCode != null && !/^[A-Z]{2}$/.test(countryCode)) {
      throw new InputError("countryCode", "expected two upper-case letters, e.g. MX.");
    }
    return (await belvo.institutions(countryCode)).map((details) =>
      details instanceof Error ? details : toInstitution(details),
    );
  }

  @FieldResolver(() => String, { nullable: true })
  async displayName(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.displayName ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: "bank, fiscal or employment." })
  async type(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.type ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async website(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.website ?? null;
  }

  @FieldResolver(() => [String], { description: "ISO-3166 alpha-2 codes." })
  async countryCodes(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.countryCodes ?? [];
  }

  @FieldResolver(() => String, { nullable: true })
  async primaryColor(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.primaryColor ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async logo(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.logo ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async iconLogo(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.iconLogo ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async textLogo(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.textLogo ?? null;
  }

  @FieldResolver(() => [FormField], {
    description: "The login inputs to ask the user for, with labels and validation.",
  })
  async formFields(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.formFields ?? [];
  }

  @FieldResolver(() => [InstitutionFeature])
  async features(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.features ?? [];
  }

  @FieldResolver(() => [String], { description: "e.g. ACCOUNTS, BALANCES, OWNERS, TRANSACTIONS." })
  async resources(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.resources ?? [];
  }

  @FieldResolver(() => String, { nullable: true, description: "credentials or openbanking." })
  async integrationType(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.integrationType ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: "healthy or down." })
  async status(@Root() root: Institution, @Ctx() context: Context) {
    return (await details(root, context))?.status ?? null;
  }
}
