import { Field, ID, ObjectType } from "type-graphql";
import { JSONObjectScalar } from "./json-object.scalar.js";
import { DateTimeScalar } from "./scalars.js";

@ObjectType("LinkEvent", {
  description:
    "What Belvo said of a link by webhook (historical data ready, new transactions, a link that needs its user again), as the gateway received it.",
})
export class LinkEvent {
  @Field(() => ID, { description: "Belvo's `webhook_id`." })
  id!: string;

  @Field(() => String, { description: "Give it as `after` to continue from this event." })
  cursor!: string;

  @Field(() => ID, { description: "The link (`link_id`)." })
  link!: string;

  @Field(() => String, {
    description: "`webhook_type`: ACCOUNTS, TRANSACTIONS, OWNERS, LINK, ...",
  })
  type!: string;

  @Field(() => String, {
    description:
      "`webhook_code`: historical_update, new_transactions_available, token_required, ...",
  })
  code!: string;

  @Field(() => String, { nullable: true, description: "`process_type`." })
  processType!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "`request_id`: matches RefreshAccepted.requestId and RetrievalAccepted.requestId.",
  })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: "`external_id`." })
  externalId!: string | null;

  @Field(() => DateTimeScalar, { description: "When the gateway received the webhook." })
  receivedAt!: string;

  @Field(() => JSONObjectScalar, { nullable: true, description: "Belvo's `data` object as sent." })
  data!: Record<string, unknown> | null;
}
