/**
 * Belvo's webhooks as kept events, per link: in this process (`MemoryEventStore`) or in Redis
 * (`RedisEventStore`, events/redis-store.ts). Each event has a position in its link's log,
 * `<ms>-<seq>` as a Redis Stream entry id is written, increasing in the order the gateway received
 * them; a cursor (events/cursor.ts) is a position made opaque.
 */

/** A webhook as the receiver accepted it (events/webhook.ts). */
export interface IncomingEvent {
  id: string;
  link: string;
  type: string;
  code: string;
  processType: string | null;
  requestId: string | null;
  externalId: string | null;
  /** ISO-8601, on the gateway's clock. */
  receivedAt: string;
  data: Record<string, unknown> | null;
}

/** A kept event: the webhook and its position in its link's log. */
export interface StoredEvent extends IncomingEvent {
  position: string;
}

/** What an append tells the subscribers: the event, and the position of the one before it. */
export interface Appended {
  event: StoredEvent;
  /** "0-0" for a link's first event: a subscriber that saw `previous` misses nothing. */
  previous: string;
}

/** How much one link keeps (config.events). */
export interface Retention {
  keepCount: number;
  keepMs: number;
  maxPerLink: number;
}

export interface EventStore {
  /** Keeps the event, unless its webhook id was seen in the last `keepMs`: null then. */
  append(event: IncomingEvent): Promise<Appended | null>;
  /** At most `count` events of `link` after position `after` (exclusive), oldest first. */
  read(link: string, after: string, count: number): Promise<StoredEvent[]>;
  /** The position of the link's newest event ("0-0" when none is kept). */
  last(link: string): Promise<string>;
  close(): Promise<void>;
}

/** The position before every event. */
export const START = "0-0";

/** Orders two positions (`<ms>-<seq>`): negative when `a` came first. */
export function comparePositions(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(Number) as [number, number];
  const [bMs, bSeq] = b.split("-").map(Number) as [number, number];
  return aMs - bMs || aSeq - bSeq;
}

/** Events of one link in this process, oldest first. */
interface MemoryLog {
  events: StoredEvent[];
}

/**
 * This process's store. Positions come from the system clock (made to increase); a link keeps
 * its last `keepCount` events and every one younger than `keepMs`, up to `maxPerLink`. A webhook
 * id is remembered for `keepMs` (in arrival order, so the expired ones are at the front).
 */
export class MemoryEventStore implements EventStore {
  private readonly logs = new Map<string, MemoryLog>();
  private readonly seen = new Map<string, number>();
  private lastMs = 0;
  private seq = 0;

  constructor(
    private readonly retention: Retention,
    private readonly clock: () => number = Date.now,
  ) {}

  append(incoming: IncomingEvent): Promise<Appended | null> {
    const now = this.clock();
    this.forgetSeen(now);
    if (this.seen.has(incoming.id)) return Promise.resolve(null);
    this.seen.set(incoming.id, now + this.retention.keepMs);
    let log = this.logs.get(incoming.link);
    if (!log) this.logs.set(incoming.link, (log = { events: [] }));
    const previous = log.events.at(-1)?.position ?? START;
    const event = { ...incoming, position: this.nextPosition(now) };
    log.events.push(event);
    this.trim(log, now);
    return Promise.resolve({ event, previous });
  }

  read(link: string, after: string, count: number): Promise<StoredEvent[]> {
    const events = this.logs.get(link)?.events ?? [];
    const from = events.findIndex((event) => comparePositions(event.position, after) > 0);
    return Promise.resolve(from === -1 ? [] : events.slice(from, from + count));
  }

  last(link: string): Promise<string> {
    return Promise.resolve(this.logs.get(link)?.events.at(-1)?.position ?? START);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private nextPosition(now: number): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else this.seq++;
    return `${this.lastMs}-${this.seq}`;
  }

  /** Past the last `keepCount`, an event goes once older than `keepMs`, or past `maxPerLink`. */
  private trim(log: MemoryLog, now: number): void {
    const { keepCount, keepMs, maxPerLink } = this.retention;
    const events = log.events;
    let drop = 0;
    while (events.length - drop > keepCount) {
      const oldest = events[drop]!;
      const ms = Number(oldest.position.split("-", 1)[0]);
      if (events.length - drop <= maxPerLink && ms >= now - keepMs) break;
      drop++;
    }
    if (drop > 0) events.splice(0, drop);
  }

  private forgetSeen(now: number): void {
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(id);
    }
  }
}
