import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "A bank account, card or other product held at an institution." })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. CHECKING_ACCOUNT, CREDIT_CARD." })
  category!: string | null;

  @Field(() => String, { nullable: true, description: "ISO-4217 currency code." })
  currency!: string | null;

  @Field(() => String, { nullable: true })
  number!: string | null;

  @Field(() => String, { nullable: true, description: "The institution's own label." })
  type!: string | null;
}
