import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "A bank or other institution Belvo connects to." })
export class Institution {
  @Field(() => String, { description: "Belvo's institution code, e.g. `erebor_mx_retail`." })
  name!: string;
}
