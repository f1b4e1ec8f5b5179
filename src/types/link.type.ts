import { Field, ID, ObjectType } from "type-graphql";
import { AccessMode, LinkStatus } from "./enums.js";
import { Institution } from "./institution.type.js";
import { DateTimeScalar } from "./scalars.js";

@ObjectType({ description: "A set of credentials Belvo uses to access one institution." })
export class Link {
  @Field(() => ID)
  id!: string;

  /** Known by its name only: InstitutionResolver loads the rest when asked. */
  @Field(() => Institution)
  institution!: Institution;

  @Field(() => AccessMode, { nullable: true })
  accessMode!: AccessMode | null;

  @Field(() => LinkStatus)
  status!: LinkStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  lastAccessedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: string | null;

  @Field(() => ID, { nullable: true })
  createdBy!: string | null;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'How often Belvo refreshes the link: "6h", "12h", "24h", "7d", "30d", or null.',
  })
  refreshRate!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Belvo's id for this user at this institution: spots duplicate links.",
  })
  institutionUserId!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. `store`, `nostore`, `30d`." })
  credentialsStorage!: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "Resources Belvo loads for the link in the background, e.g. ACCOUNTS.",
  })
  fetchResources!: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: "How long Belvo keeps the data, e.g. `365d`.",
  })
  staleIn!: string | null;
}
