/**
 * The events' hub: a received webhook is kept (events/store.ts) and published on its link's topic
 * through @graphql-yoga/subscription's pub/sub (with Redis, its Redis event target: every
 * replica's subscribers hear it); a subscriber gets a Feed (events/feed.ts) that replays what came
 * after its cursor, then goes on live, in the order the store kept them.
 *
 * The order and the gaps are the store's: each published event carries the position of the one
 * before it, so a subscriber that last delivered that one delivers it straight away; otherwise
 * (a message lost while Redis reconnected, two replicas publishing at once, events kept between
 * its SUBSCRIBE and its first read) it reads what it missed from the store first.
 */
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSubEvent } from "@graphql-yoga/subscription";
import type { EventsConfig } from "../config.js";
import type { RedisTarget } from "../redis-connection.js";
import { ErrorCode } from "../errors.js";
import type { Log } from "../logger.js";
import { Feed, PAGE } from "./feed.js";
import { RedisEventStore, type RedisEventsOptions } from "./redis-store.js";
import {
  MemoryEventStore,
  comparePositions,
  type Appended,
  type EventStore,
  type IncomingEvent,
  type StoredEvent,
} from "./store.js";

/** The published payload: an Appended, as JSON through Redis. */
type Topics = Record<string, [Appended]>;

const { SubscriberTooSlow: SUBSCRIBER_TOO_SLOW, EventsUnavailable: EVENTS_UNAVAILABLE } = ErrorCode;

export interface SubscribeOptions {
  /** Replay after this position; null: only what comes from now on. */
  after: string | null;
  /** True when the subscriber's transport holds too many unsent bytes (it is then dropped). */
  slow?: () => boolean;
}

/**
 * The two connections as the Redis event target uses them, its commands' failures reported
 * instead of left unhandled (it does not wait for them): a Redis away, or closed at shutdown,
 * must not end the process. A lost publish is a gap the subscribers fill from the store.
 */
function quietClients(store: RedisEventStore, onError: (error: Error) => void) {
  const report = (promise: Promise<unknown>) => void promise.catch(onError);
  const publishClient = {
    publish: (channel: string, message: string) => report(store.redis.publish(channel, message)),
  };
  const subscribeClient = {
    on: (event: "message", listener: (channel: string, message: string) => void) =>
      store.subscriber.on(event, listener),
    subscribe: (channel: string) => report(store.subscriber.subscribe(channel)),
    unsubscribe: (channel: string) => report(store.subscriber.unsubscribe(channel)),
  };
  type Clients = Parameters<typeof createRedisEventTarget>[0];
  return { publishClient, subscribeClient } as unknown as Clients;
}

export class EventHub {
  /** Feeds open in this process (for the bench and the drain). */
  private readonly feeds = new Set<Feed>();

  private constructor(
    private readonly store: EventStore,
    private readonly pubSub: ReturnType<typeof createPubSub<Topics>>,
    private readonly topic: (link: string) => string,
    /** Resolves once the pub/sub's subscriptions made so far are in force. */
    private readonly subscribed: () => Promise<void>,
    private readonly settings: Pick<EventsConfig, "subscriberBuffer">,
    private readonly logger: Log,
  ) {}

  /** Events in this process only (no REDIS_URL). */
  static memory(settings: EventsConfig, logger: Log, clock?: () => number): EventHub {
    return new EventHub(
      new MemoryEventStore(settings, clock),
      createPubSub<Topics>(),
      (link) => `link:${link}`,
      () => Promise.resolve(),
      settings,
      logger,
    );
  }

  /** Events in Redis, heard by every replica; resolves once Redis answers. */
  static async redis(
    target: RedisTarget,
    settings: EventsConfig,
    options: RedisEventsOptions,
    logger: Log,
  ): Promise<EventHub> {
    const store = new RedisEventStore(target, settings, options);
    await store.connect();
    const eventTarget = createRedisEventTarget<PubSubEvent<Topics, string>>(
      quietClients(store, options.onError),
    );
    return new EventHub(
      store,
      createPubSub<Topics>({ eventTarget }),
      (link) => store.topic(link),
      () => store.subscribed(),
      settings,
      logger,
    );
  }

  /** Keeps and publishes a webhook; false when its id was seen before (nothing done). */
  async receive(event: IncomingEvent): Promise<boolean> {
    const appended = await this.store.append(event);
    if (!appended) return false;
    this.pubSub.publish(this.topic(event.link), appended);
    return true;
  }

  /** Up to `first` kept events after `after` (null: from the oldest kept). */
  read(link: string, after: string | null, first: number): Promise<StoredEvent[]> {
    return this.store.read(link, after ?? "0-0", first);
  }

  get subscribers(): number {
    return this.feeds.size;
  }

  /** A feed of `link`'s events: the replay after `after`, then live ones, in the store's order. */
  async subscribe(link: string, options: SubscribeOptions): Promise<Feed> {
    const live = this.pubSub.subscribe(this.topic(link));
    const inbox: Appended[] = [];
    const waiting: { wake: (() => void) | null } = { wake: null };
    const wake = () => {
      const resolve = waiting.wake;
      waiting.wake = null;
      resolve?.();
    };
    const feed = new Feed(() => {
      this.feeds.delete(feed);
      void live.return();
      wake();
    });
    this.feeds.add(feed);
    const drop = (message: string) => {
      feed.end({ dropped: { code: SUBSCRIBER_TOO_SLOW, message } });
      wake();
    };
    const { subscriberBuffer } = this.settings;
    // The pub/sub's Repeater queues what arrives in one turn of the event loop until this loop
    // takes it (up to 1,024: a webhook is a request of its own, a Redis read holds far fewer).
    void (async () => {
      for await (const appended of live) {
        inbox.push(appended);
        if (inbox.length > subscriberBuffer || options.slow?.()) {
          drop(
            `More than ${subscriberBuffer} events waited for this subscriber; subscribe again with \`after\` set to the cursor of the last event received.`,
          );
          break;
        }
        wake();
      }
    })();
    try {
      await this.subscribed();
      const start = options.after ?? (await this.store.last(link));
      this.logger.info({ subscribers: this.feeds.size }, "events: a subscriber is listening");
      void this.sequence(link, start, feed, inbox, (resolve) => (waiting.wake = resolve)).catch(
        (error: unknown) => this.unavailable(feed, error),
      );
    } catch (error) {
      this.unavailable(feed, error);
    }
    return feed;
  }

  /** Closes every feed (the drain: their transports then close). */
  endAll(): void {
    for (const feed of this.feeds) feed.end();
  }

  close(): Promise<void> {
    this.endAll();
    return this.store.close();
  }

  private unavailable(feed: Feed, error: unknown): void {
    this.logger.warn(
      { err: { message: error instanceof Error ? error.message : String(error) } },
      "events: the store did not answer; a subscription ends",
    );
    feed.end({
      dropped: {
        code: EVENTS_UNAVAILABLE,
        message:
          "The event store did not answer; subscribe again with `after` set to the cursor of the last event received.",
      },
    });
  }

  /** Delivers the replay after `start`, then each live event in order, filling gaps from the store. */
  private async sequence(
    link: string,
    start: string,
    feed: Feed,
    inbox: Appended[],
    waitFor: (resolve: () => void) => void,
  ): Promise<void> {
    let last = await this.catchUp(link, start, null, feed);
    while (feed.active) {
      const appended = inbox.shift();
      if (!appended) {
        await new Promise<void>(waitFor);
        continue;
      }
      const position = appended.event.position;
      if (comparePositions(position, last) <= 0) continue;
      if (appended.previous === last) {
        await feed.room();
        feed.push(appended.event);
        last = position;
      } else last = await this.catchUp(link, last, position, feed);
    }
  }

  /** Pushes the kept events after `from` (up to `until` when given); returns the last pushed. */
  private async catchUp(
    link: string,
    from: string,
    until: string | null,
    feed: Feed,
  ): Promise<string> {
    let last = from;
    while (feed.active) {
      await feed.room();
      const page = await this.store.read(link, last, PAGE);
      for (const event of page) {
        if (until !== null && comparePositions(event.position, until) > 0) return last;
        feed.push(event);
        last = event.position;
      }
      if (page.length < PAGE || (until !== null && last === until)) return last;
    }
    return last;
  }
}
