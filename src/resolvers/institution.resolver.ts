import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Institution } from "../types/institution.type.js";
import { InputError } from "../errors.js";

type Detail<K extends keyof Institution> = Exclude<Institution[K], undefined>;

/**
 * A detail of an institution: at hand when it came from the institutions list; otherwise (it
 * came with a link or an account, by name only) loaded, with every other institution of the
 * operation, in one call. `unknown` (null, or an empty list) when Belvo knows no such institution.
 */
function givenOrLoaded<K extends keyof Institution>(
  institution: Institution,
  key: K,
  { loaders }: Context,
  unknown: Detail<K> | null,
): Detail<K> | null | Promise<Detail<K> | null> {
  const given = institution[key];
  if (given !== undefined) return given as Detail<K>;
  return loaders.institution
    .load(institution.name)
    .then((loaded) => (loaded?.[key] ?? unknown) as Detail<K> | null);
}

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => [Institution], {
    nullable: "items",
    description:
      "Belvo's institutions (GET /api/institutions/), every page; one that cannot be read is an error at its path.",
  })
  institutions(
    @Arg("countryCode", () => String, { nullable: true, description: "ISO-3166 alpha-2, e.g. MX." })
    countryCode: string | null,
    @Ctx() { belvo }: Context,
  ): Promise<(Institution | Error)[]> {
    if (countryCode != null && !/^[A-Z]{2}$/.test(countryCode)) {
      throw new InputError("countryCode", "expected two upper-case letters, e.g. MX.");
    }
    return belvo.institutions(countryCode);
  }

  @FieldResolver()
  id(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "id", context, null);
  }

  @FieldResolver()
  displayName(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "displayName", context, null);
  }

  @FieldResolver()
  type(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "type", context, null);
  }

  @FieldResolver()
  website(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "website", context, null);
  }

  @FieldResolver()
  countryCodes(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "countryCodes", context, []);
  }

  @FieldResolver()
  primaryColor(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "primaryColor", context, null);
  }

  @FieldResolver()
  logo(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "logo", context, null);
  }

  @FieldResolver()
  iconLogo(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "iconLogo", context, null);
  }

  @FieldResolver()
  textLogo(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "textLogo", context, null);
  }

  @FieldResolver()
  formFields(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "formFields", context, []);
  }

  @FieldResolver()
  features(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "features", context, []);
  }

  @FieldResolver()
  resources(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "resources", context, []);
  }

  @FieldResolver()
  integrationType(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "integrationType", context, null);
  }

  @FieldResolver()
  status(@Root() institution: Institution, @Ctx() context: Context) {
    return givenOrLoaded(institution, "status", context, null);
  }
}
