import { Field, ID, ObjectType } from "type-graphql";
import { AccessMode, LinkStatus } from "./enums.js";
import { Institution } from "./institution.type.js";
import { DateTimeScalar } from "./scalars.js";

@ObjectType({ description: "A set of credentials Belvo uses to access one institution." })
export class Link {
  @Field(() => ID)
  id!: string;

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
}
