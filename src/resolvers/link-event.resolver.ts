/**
 * `Query.linkEvents` (the catch-up read) and `Subscription.linkEvents` (replay, then live), over
 * the events hub (src/events/hub.ts). Subscriptions run on graphql-js (`subscribe`), served by
 * graphql-ws and graphql-sse (src/events/ws.ts, src/events/sse.ts), never through Apollo.
 */
import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../context.js";
import { GatewayError, ErrorCode, InputError } from "../errors.js";
import { decodeCursor, encodeCursor } from "../events/cursor.js";
import { isDropped, type Delivery } from "../events/feed.js";
import type { EventHub, SubscribeOptions } from "../events/hub.js";
import type { StoredEvent } from "../events/store.js";
import { LinkEvent } from "../types/link-event.type.js";

/** The most `first` may ask for. */
export const MAX_EVENTS_PER_READ = 1_000;

/** What a subscription's context holds (src/events/ws.ts and sse.ts build it per subscription). */
export type SubscriptionContext = {
  events: EventHub;
  /** The subscriber's transport: too many bytes unsent (it is then dropped). */
  slow?: SubscribeOptions["slow"];
};

function checkLink(link: string): void {
  if (link.length === 0 || link.length > 512) {
    throw new InputError("link", "an id of 1 to 512 characters.");
  }
}

function toLinkEvent(event: StoredEvent): LinkEvent {
  const { position, ...rest } = event;
  return Object.assign(new LinkEvent(), rest, { cursor: encodeCursor(event.link, position) });
}

function hub(events: EventHub | undefined): EventHub {
  if (!events) throw new GatewayError("Events are not served here.", ErrorCode.InternalServerError);
  return events;
}

@Resolver(() => LinkEvent)
export class LinkEventResolver {
  @Query(() => [LinkEvent], {
    name: "linkEvents",
    description:
      "The link's kept events after `after` (a LinkEvent's cursor), oldest first; without it, from the oldest kept. The same read as the subscription, without a socket.",
  })
  async linkEvents(
    @Arg("link", () => ID) link: string,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("first", () => Int, {
      nullable: true,
      defaultValue: 100,
      description: `At most ${MAX_EVENTS_PER_READ}; null means 100.`,
    })
    first: number | null,
    @Ctx() { events }: Context,
  ): Promise<LinkEvent[]> {
    checkLink(link);
    const count = first ?? 100;
    if (count < 1 || count > MAX_EVENTS_PER_READ) {
      throw new InputError("first", `a number from 1 to ${MAX_EVENTS_PER_READ}.`);
    }
    const position = after == null ? null : decodeCursor(after, link);
    const kept = await hub(events).read(link, position, count);
    return kept.map(toLinkEvent);
  }

  @Subscription(() => LinkEvent, {
    name: "linkEvents",
    description:
      "The link's events as they arrive, in the order the gateway received them; with `after` (a LinkEvent's cursor), the kept events after it first. Served over WebSocket (graphql-transport-ws) at /graphql and Server-Sent Events at /graphql/stream.",
    subscribe: ({ args, context }) => {
      const { link, after } = args as { link: string; after?: string | null };
      const { events, slow } = context as SubscriptionContext;
      checkLink(link);
      const position = after == null ? null : decodeCursor(after, link);
      return hub(events).subscribe(link, { after: position, slow });
    },
  })
  linkEventsLive(
    @Root() delivery: Delivery,
    @Arg("link", () => ID) _link: string,
    @Arg("after", () => String, { nullable: true }) _after: string | null,
  ): LinkEvent {
    if (isDropped(delivery)) {
      throw new GatewayError(delivery.dropped.message, delivery.dropped.code as ErrorCode);
    }
    return toLinkEvent(delivery);
  }
}
