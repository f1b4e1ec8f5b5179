import { Field, ObjectType } from "type-graphql";

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
  status: string | null;
}

@ObjectType({ description: "A bank or other institution Belvo connects to." })
export class Institution {
  @Field(() => String, { description: "Belvo's institution code, e.g. `erebor_mx_retail`." })
  name!: string;

  /** Known when the institution came from the institutions list; loaded on demand otherwise. */
  details?: InstitutionDetails;
}
