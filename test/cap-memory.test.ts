/**
 * The in-process caps keep a count for every key they hold until the window ends. An attempt
 * given back leaves nothing to remember, so it must not cost memory for the whole window: one
 * distinct link per request would otherwise grow the heap for ten minutes.
 */
import { jest } from "@jest/globals";
import { Cap } from "../src/guards/caps.js";
import { MEMORY_STORE } from "../src/guards/store.js";

const WINDOW = { max: 1, windowMs: 600_000 };
const SECRET = Buffer.alloc(32, 7);

/** `npm test` runs Node with --expose-gc, so the heap is measured after a full collection. */
function heapAfterGc(): number {
  const { gc } = globalThis as { gc?: () => void };
  if (!gc) throw new Error("run with --expose-gc (npm test does)");
  gc();
  return process.memoryUsage().heapUsed;
}

it("forgets a key whose attempt was given back", async () => {
  const cap = new Cap(MEMORY_STORE, "mfa-failures", WINDOW, SECRET);
  const keys = 20_000;
  const before = heapAfterGc();
  const refused: string[] = [];
  for (let index = 0; index < keys; index++) {
    const link = `00000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
    const name = cap.storeName(link);
    if ((await cap.take(name)) !== null) refused.push(link);
    await cap.giveBack(name);
  }
  expect(refused).toEqual([]);
  // Kept, each record would hold about 500 bytes: some 10 MB here.
  expect(heapAfterGc() - before).toBeLessThan(3 * 2 ** 20);
});

it("still counts a take that lands while an attempt is given back", async () => {
  const cap = new Cap(MEMORY_STORE, "mfa-failures", WINDOW, SECRET);
  const link = cap.storeName("link");
  expect(await cap.take(link)).toBeNull();
  // The give-back forgets the key; the take after it counts from zero again.
  const [, second] = await Promise.all([cap.giveBack(link), cap.take(link)]);
  expect(second).toBeNull();
  expect(await cap.take(link)).toBeGreaterThan(0);
});

it("keeps a failed attempt counted for the window", async () => {
  const cap = new Cap(MEMORY_STORE, "mfa-failures", WINDOW, SECRET);
  const link = cap.storeName("link");
  expect(await cap.take(link)).toBeNull();
  expect(await cap.take(link)).toBeGreaterThan(0);
  await cap.giveBack(link);
  // Given back from 2 to 1: the first attempt still counts.
  expect(await cap.take(link)).toBeGreaterThan(0);
});

it("counts afresh once the window has ended, and refuses until then", async () => {
  jest.useFakeTimers({ now: 1_000_000, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
  try {
    const cap = new Cap(MEMORY_STORE, "mfa-failures", { max: 1, windowMs: 60_000 }, SECRET);
    const link = cap.storeName("link");
    expect(await cap.take(link)).toBeNull();
    expect(await cap.take(link)).toBe(60_000);
    jest.setSystemTime(1_000_000 + 59_000);
    expect(await cap.take(link)).toBe(1_000);
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await cap.take(link)).toBeNull();
  } finally {
    jest.useRealTimers();
  }
});
