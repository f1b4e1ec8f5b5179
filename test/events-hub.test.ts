/**
 * The events hub (src/events/hub.ts) on its own: a subscriber that does not read is dropped once
 * SUBSCRIBER_BUFFER_EVENTS wait for it, with the reason as its last delivery, and holds nothing
 * after; a transport that says it is slow is dropped the same way; a feed ended by its consumer
 * while waiting is freed at once.
 */
import { DEFAULT_EVENTS } from "../src/config.js";
import { EventHub } from "../src/events/hub.js";
import type { IncomingEvent } from "../src/events/store.js";
import { createLogger } from "../src/logger.js";

const LINK = "683005d6-f45c-4adb-b289-f1a12f50f80c";
const silent = createLogger("silent", false);

const incoming = (id: string): IncomingEvent => ({
  id,
  link: LINK,
  type: "TRANSACTIONS",
  code: "new_transactions_available",
  processType: null,
  requestId: null,
  externalId: null,
  receivedAt: "2026-01-15T10:00:00.000Z",
  data: null,
});

const hubWith = (subscriberBuffer: number) =>
  EventHub.memory({ ...DEFAULT_EVENTS, webhookSecret: null, subscriberBuffer }, silent);

const TOO_SLOW = {
  dropped: {
    code: "SUBSCRIBER_TOO_SLOW",
    message:
      "More than 10 events waited for this subscriber; subscribe again with `after` set to the cursor of the last event received.",
  },
};

it("drops a subscriber that does not read, past its buffer, with the reason last", async () => {
  const hub = hubWith(10);
  const feed = await hub.subscribe(LINK, { after: null });
  // A page (50) is handed over; past it, 10 more may wait; the 11th drops the subscriber.
  // Each webhook is its own request: one event per turn of the event loop.
  for (let n = 0; n < 200; n++) {
    await hub.receive(incoming(`wh-${n}`));
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(await feed.next()).toEqual({ done: false, value: TOO_SLOW });
  expect(await feed.next()).toEqual({ done: true, value: undefined });
  expect(hub.subscribers).toBe(0);
  await hub.close();
});

it("drops a subscriber whose transport is slow, at the next event", async () => {
  const hub = hubWith(10);
  let slow = false;
  const feed = await hub.subscribe(LINK, { after: null, slow: () => slow });
  await hub.receive(incoming("wh-1"));
  expect(((await feed.next()).value as { id: string }).id).toBe("wh-1");
  slow = true;
  await hub.receive(incoming("wh-2"));
  expect(await feed.next()).toEqual({ done: false, value: TOO_SLOW });
  expect(await feed.next()).toEqual({ done: true, value: undefined });
  await hub.close();
});

it("frees a feed ended by its consumer while it waits for an event", async () => {
  const hub = hubWith(10);
  const feed = await hub.subscribe(LINK, { after: null });
  const waiting = feed.next();
  await feed.return();
  expect(await waiting).toEqual({ done: true, value: undefined });
  expect(hub.subscribers).toBe(0);
  await hub.close();
});
