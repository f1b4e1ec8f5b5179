import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "One option of a login field (e.g. a document type for usernameType)." })
export class FormFieldValue {
  @Field(() => String, { nullable: true, description: "The value to send, e.g. `001`." })
  code!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { nullable: true, description: "A regular expression for the username." })
  validation!: string | null;

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

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { nullable: true, description: "A regular expression, e.g. `^.{1,}$`." })
  validation!: string | null;

  @Field(() => String, { nullable: true })
  validationMessage!: string | null;

  @Field(() => String, { nullable: true })
  placeholder!: string | null;

  @Field(() => [FormFieldValue], { nullable: true, description: "The options, for a selector." })
  values!: FormFieldValue[] | null;
}

@ObjectType({ description: "Something the institution does, e.g. `token_required`." })
export class InstitutionFeature {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

/** What Belvo's institutions list says about one institution. */
export interface InstitutionDetails {
  name: string;
  displayName: string | null;
  type: string | null;
  website: string | null;
  countryCodes: string[];
  primaryColor: string | null;
  logo: string | null;
  iconLogo: string | null;
  textLogo: string | null;
  status: string | null;
  formFields: FormField[];
  features: InstitutionFeature[];
  resources: string[];
  integrationType: string | null;
}

@ObjectType({ description: "A bank or other institution Belvo connects to." })
export class Institution {
  @Field(() => String, { description: "Belvo's institution code, e.g. `erebor_mx_retail`." })
  name!: string;

  /** Known when the institution came from the institutions list; loaded on demand otherwise. */
  details?: InstitutionDetails;
}
