/**
 * The events of every link in Redis, shared by the replicas: one capped Redis Stream per link, and
 * a key per webhook id seen (SET NX with the keep time) so a repeat is kept once, whichever
 * replica it reaches. Both in one script: a webhook is kept and marked seen together, or neither.
 * Keys name a link and a webhook id by a digest only. Every command has a deadline
 * (`commandTimeout`), and a command sent while Redis is away fails at once.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { createRedis, type RedisTarget } from "../redis-connection.js";
import type { Appended, EventStore, IncomingEvent, Retention, StoredEvent } from "./store.js";
import { START } from "./store.js";

/**
 * KEYS[1] the link's stream, KEYS[2] the webhook id's seen key. ARGV: keep ms, keep count, max per
 * link, the event (JSON). Returns false for a webhook seen before, else {position, previous}.
 * XADD caps the stream at about `max per link` (MAXLEN ~); past the last `keep count`, events older
 * than `keep ms` go, at most 100 per append (each append adds one: the stream never lags behind).
 */
const APPEND = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return false end
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local previous = '0-0'
if newest[1] then previous = newest[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'e', ARGV[4])
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[2])
if excess > 0 then
  local time = redis.call('TIME')
  local cutoff = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) - tonumber(ARGV[1])
  local old = redis.call('XRANGE', KEYS[1], '-', string.format('%d', cutoff - 1), 'COUNT', math.min(excess, 100))
  if #old > 0 then
    local ids = {}
    for i, entry in ipairs(old) do ids[i] = entry[1] end
    redis.call('XDEL', KEYS[1], unpack(ids))
  end
end
return {id, previous}
`;

export interface RedisEventsOptions {
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  onError: (error: Error) => void;
  prefix?: string;
}

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 22);
}

type StreamEntry = [id: string, fields: string[]];

function fromEntry([position, fields]: StreamEntry): StoredEvent {
  return { ...(JSON.parse(fields[1]!) as IncomingEvent), position };
}

/** Two connections: commands, and the subscriber the Redis event target listens on. */
export class RedisEventStore implements EventStore {
  readonly redis: Redis;
  readonly subscriber: Redis;
  private readonly prefix: string;

  constructor(
    target: RedisTarget,
    private readonly retention: Retention,
    options: RedisEventsOptions,
  ) {
    this.prefix = `${options.prefix ?? "belvo-gateway:"}events:`;
    this.redis = createRedis(target, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    // The subscriber queues its SUBSCRIBEs while reconnecting (they are replayed on reconnect).
    this.subscriber = createRedis(target, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      maxRetriesPerRequest: 0,
    });
    this.redis.on("error", options.onError);
    this.subscriber.on("error", options.onError);
  }

  /** The channel a link's events are published on (the pub/sub topic). */
  topic(link: string): string {
    return `${this.prefix}live:${digest(link)}`;
  }

  async connect(): Promise<void> {
    await Promise.all([this.redis.connect(), this.subscriber.connect()]);
  }

  /** Resolves once every SUBSCRIBE sent so far is in force (a connection answers in order). */
  async subscribed(): Promise<void> {
    await this.subscriber.ping();
  }

  async append(event: IncomingEvent): Promise<Appended | null> {
    const { keepMs, keepCount, maxPerLink } = this.retention;
    const answer = (await this.redis.eval(
      APPEND,
      2,
      this.stream(event.link),
      `${this.prefix}seen:${digest(event.id)}`,
      keepMs,
      keepCount,
      maxPerLink,
      JSON.stringify(event),
    )) as [string, string] | null;
    if (!answer) return null;
    return { event: { ...event, position: answer[0] }, previous: answer[1] };
  }

  async read(link: string, after: string, count: number): Promise<StoredEvent[]> {
    const entries = (await this.redis.xrange(
      this.stream(link),
      `(${after}`,
      "+",
      "COUNT",
      count,
    )) as StreamEntry[];
    return entries.map(fromEntry);
  }

  async last(link: string): Promise<string> {
    const newest = (await this.redis.xrevrange(
      this.stream(link),
      "+",
      "-",
      "COUNT",
      1,
    )) as StreamEntry[];
    return newest[0]?.[0] ?? START;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  private stream(link: string): string {
    return `${this.prefix}link:${digest(link)}`;
  }
}
