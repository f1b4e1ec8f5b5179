import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "One option of a login field (e.g. a document type for usernameType)." })
export class FormFieldValue {
  @Field(() => String, { nullable: true, description: "The value to send, e.g. `001`." })
  code!: string | null;

  @Field(() => String, { nullable: true, description: "A regular expression for the username." })
  validation!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { nullable: true })
  validationMessage!: string | null;

  @Field(() => String, { nullable: true })
  placeholder!: string | null;
}

@ObjectType({
  description:
    "One login input the institution needs. `name` is the registerLink input it fills: username, password, username2, username3, password2 or username_type (usernameType).",
})
export class FormField {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "An HTML input type, e.g. `text`." })
  type!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "A regular expression, e.g. `^.{1,}$`.",
  })
  validation!: string | null;

  @Field(() => [FormFieldValue], { nullable: true, description: "The options, for a selector." })
  values!: FormFieldValue[] | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { nullable: true })
  validationMessage!: string | null;

  @Field(() => String, { nullable: true })
  placeholder!: string | null;
}

@ObjectType({ description: "Something the institution does, e.g. `token_required`." })
export class InstitutionFeature {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

/**
 * Read by upstream/mapping.ts (`INSTITUTION_READERS`). Whole when it came from Belvo's
 * institutions list; known by its name only when it came with a link or an account: each other
 * property is then undefined, and InstitutionResolver loads it (one batched call per operation).
 */
@ObjectType({ description: "A bank or other institution Belvo connects to." })
export class Institution {
  @Field(() => String, { description: "Belvo's institution code, e.g. `erebor_mx_retail`." })
  name!: string;

  @Field(() => ID, { nullable: true, description: "Belvo's numeric id, e.g. `2`." })
  id?: string | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: "bank, fiscal or employment." })
  type?: string | null;

  @Field(() => String, { nullable: true })
  website?: string | null;

  @Field(() => [String], { description: "ISO-3166 alpha-2 codes." })
  countryCodes?: string[];

  @Field(() => String, { nullable: true })
  primaryColor?: string | null;

  @Field(() => String, { nullable: true })
  logo?: string | null;

  @Field(() => String, { nullable: true })
  iconLogo?: string | null;

  @Field(() => String, { nullable: true })
  textLogo?: string | null;

  @Field(() => [FormField], {
    description: "The login inputs to ask the user for, with labels and validation.",
  })
  formFields?: FormField[];

  @Field(() => [InstitutionFeature])
  features?: InstitutionFeature[];

  @Field(() => [String], { description: "e.g. ACCOUNTS, BALANCES, OWNERS, TRANSACTIONS." })
  resources?: string[];

  @Field(() => String, { nullable: true, description: "credentials or openbanking." })
  integrationType?: string | null;

  @Field(() => String, { nullable: true, description: "healthy or down." })
  status?: string | null;
}
