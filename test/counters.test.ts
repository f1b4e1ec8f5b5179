import { MemoryCounters } from "../src/guards/counters.js";

let now = 1_000_000;
const clock = () => now;

it("counts in a window that starts at the first hit, and starts a new one after it ends", async () => {
  const counters = new MemoryCounters(clock);
  expect(await counters.increment("k", 1_000)).toEqual({ count: 1, resetInMs: 1_000 });
  now += 400;
  expect(await counters.increment("k", 1_000)).toEqual({ count: 2, resetInMs: 600 });
  now += 600;
  expect(await counters.increment("k", 1_000)).toEqual({ count: 1, resetInMs: 1_000 });
});

it("forgets a window given back to zero", async () => {
  const counters = new MemoryCounters(clock);
  await counters.increment("k", 1_000);
  await counters.decrement("k");
  expect(counters.size).toBe(0);
  await counters.decrement("never");
  expect(counters.size).toBe(0);
});

it("stays within maxKeys whatever the keys, dropping ended windows first, then the oldest", async () => {
  const counters = new MemoryCounters(clock, 100);
  await counters.increment("short", 10);
  for (let i = 0; i < 99; i++) await counters.increment(`long-${i}`, 60_000);
  now += 20;
  await counters.increment("new-1", 60_000);
  expect(counters.size).toBe(100);
  expect((await counters.increment("long-0", 60_000)).count).toBe(2);
  for (let i = 0; i < 1_000; i++) await counters.increment(`flood-${i}`, 60_000);
  expect(counters.size).toBeLessThanOrEqual(100);
});
