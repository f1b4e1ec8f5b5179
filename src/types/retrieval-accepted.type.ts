import { Field, ID, ObjectType } from "type-graphql";

@ObjectType("RetrievalAccepted", {
  description:
    "Belvo took an asynchronous retrieval (`async: true`, HTTP 202): the data arrives later, announced by a `linkEvents` event with the same `requestId`.",
})
export class RetrievalAccepted {
  @Field(() => ID, { description: "The link the retrieval is for." })
  link!: string;

  @Field(() => String, {
    description: "Belvo's `request_id`: the `requestId` of the event that announces the data.",
  })
  requestId!: string;
}
