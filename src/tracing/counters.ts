import { RedisCounters, type Counters } from "../guards/counters.js";
import type { Tracing } from "./tracing.js";

/**
 * The guards' counters with a span per Redis round trip, a child of the request's span. Counters
 * kept in this process are returned as they are: a span there would cost more than the count.
 */
export function tracedCounters(counters: Counters, tracing: Tracing): Counters {
  if (!(counters instanceof RedisCounters)) return counters;
  /** `rate:key:…` → `rate`: the guard's name, never the key. */
  const guard = (key: string) => {
    const end = key.indexOf(":");
    return end === -1 ? "counter" : key.slice(0, end);
  };
  return {
    increment: (key, windowMs) =>
      tracing.guard(guard(key), "increment", () => counters.increment(key, windowMs)),
    decrement: (key) => tracing.guard(guard(key), "decrement", () => counters.decrement(key)),
    close: () => counters.close(),
  };
}
