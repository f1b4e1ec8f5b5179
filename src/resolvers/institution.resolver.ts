import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import {
  INSTITUTION_DETAILS,
  Institution,
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
}

/**
 * Each detail field of an institution (INSTITUTION_DETAILS): served from the details, loaded when
 * not at hand; null, or an empty list, when Belvo knows no such institution.
 */
for (const [name, field] of Object.entries(INSTITUTION_DETAILS)) {
  const prototype = InstitutionResolver.prototype as unknown as Record<string, unknown>;
  const empty = field.options.nullable ? null : [];
  prototype[name] = async (root: Institution, context: Context) =>
    (await details(root, context))?.[name as keyof InstitutionDetails] ?? empty;
  Root()(prototype, name, 0);
  Ctx()(prototype, name, 1);
  const method = Object.getOwnPropertyDescriptor(prototype, name)!;
  FieldResolver(field.type as () => typeof String, field.options)(prototype, name, method);
}
