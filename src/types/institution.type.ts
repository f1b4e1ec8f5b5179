import { Field, ObjectType } from "type-graphql";
import {
  many,
  nullableId,
  objectType,
  record,
  required,
  strings,
  text,
  type Values,
} from "./fields.js";

/** What a login field and each of its options share. */
const SHOWN = {
  label: text(),
  validationMessage: text(),
  placeholder: text(),
};

export const FormFieldValue = objectType(
  "FormFieldValue",
  "One option of a login field (e.g. a document type for usernameType).",
  {
    code: text("The value to send, e.g. `001`."),
    validation: text("A regular expression for the username."),
    ...SHOWN,
  },
);

export const FormField = objectType(
  "FormField",
  "One login input the institution needs. `name` is the registerLink input it fills: username, password, username2, username3, password2 or username_type (usernameType).",
  {
    name: text(),
    type: text("An HTML input type, e.g. `text`."),
    validation: text("A regular expression, e.g. `^.{1,}$`."),
    values: many(FormFieldValue, "The options, for a selector."),
    ...SHOWN,
  },
);

export const InstitutionFeature = objectType(
  "InstitutionFeature",
  "Something the institution does, e.g. `token_required`.",
  { name: text(), description: text() },
);

/**
 * What Belvo's institutions list says about one institution, beside its name: each an
 * `Institution` field that InstitutionResolver serves from the details, loaded when not at hand.
 */
export const INSTITUTION_DETAILS = {
  id: {
    ...nullableId(),
    options: { nullable: true, description: "Belvo's numeric id, e.g. `2`." },
  },
  displayName: text(),
  type: text("bank, fiscal or employment."),
  website: text(),
  countryCodes: required(strings("ISO-3166 alpha-2 codes.")),
  primaryColor: text(),
  logo: text(),
  iconLogo: text(),
  textLogo: text(),
  formFields: required(
    many(FormField, "The login inputs to ask the user for, with labels and validation."),
  ),
  features: required(many(InstitutionFeature)),
  resources: required(strings("e.g. ACCOUNTS, BALANCES, OWNERS, TRANSACTIONS.")),
  integrationType: text("credentials or openbanking."),
  status: text("healthy or down."),
};

export const InstitutionDetails = record(INSTITUTION_DETAILS);
export type InstitutionDetails = Values<typeof INSTITUTION_DETAILS> & { name: string };

@ObjectType({ description: "A bank or other institution Belvo connects to." })
export class Institution {
  @Field(() => String, { description: "Belvo's institution code, e.g. `erebor_mx_retail`." })
  name!: string;

  /** Known when the institution came from the institutions list; loaded on demand otherwise. */
  details?: InstitutionDetails;
}
