import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeScalar } from "./scalars.js";

@ObjectType({ description: "An identity document, e.g. CPF, CURP, CC." })
export class OwnerDocument {
  @Field(() => String, { nullable: true })
  documentType!: string | null;

  @Field(() => String, { nullable: true })
  documentNumber!: string | null;
}

// Nullable as Belvo's API reference marks them.
@ObjectType({ description: "The holder of the accounts, as the institution knows them." })
export class Owner {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: "One free-text line." })
  address!: string | null;

  @Field(() => OwnerDocument, { nullable: true })
  documentId!: OwnerDocument | null;

  @Field(() => String, { nullable: true })
  internalIdentification!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: string | null;

  /** Belvo's `link`: served as `link` by OwnerLinkResolver. */
  linkId!: string | null;
}

@ObjectType({ description: "The owners Belvo retrieved." })
export class OwnerList {
  /** An owner that cannot be read is an error at its path; the rest is served. */
  @Field(() => [Owner], { nullable: "items" })
  owners!: (Owner | Error)[];

  @Field(() => Boolean, { description: "True when Belvo stored them (it answered 201)." })
  saved!: boolean;
}
