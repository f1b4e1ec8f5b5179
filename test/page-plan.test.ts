/**
 * The arithmetic of a page (src/upstream/pages.ts `planPages`) and the cursors' seal
 * (src/pages/cursors.ts), on their own: every window is covered, in one Belvo GET whenever
 * `first` stays the same, never more than two; a cursor opens only for its walk and its secret.
 */
import fc from "fast-check";
import { PageCursors, type Walk } from "../src/pages/cursors.js";
import { MAX_PAGE_SIZE, planPages } from "../src/upstream/pages.js";

describe("planPages", () => {
  it("covers any window with at most two Belvo pages of at most 1,000, one when it can", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: MAX_PAGE_SIZE }), (start, first) => {
        const { size, pages } = planPages(start, first);
        const from = (pages[0]! - 1) * size;
        const to = pages.at(-1)! * size;
        expect(size).toBeGreaterThanOrEqual(first);
        expect(size).toBeLessThanOrEqual(MAX_PAGE_SIZE);
        expect(from).toBeLessThanOrEqual(start);
        expect(to).toBeGreaterThanOrEqual(start + first);
        expect(pages.length).toBeLessThanOrEqual(2);
        // Two pages only when no single page of any allowed size holds the window.
        if (pages.length === 2) {
          for (let other = first; other <= MAX_PAGE_SIZE; other++) {
            expect(Math.floor(start / other)).not.toBe(Math.floor((start + first - 1) / other));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is page n of `first` when a walk keeps its `first`", () => {
    fc.assert(
      fc.property(fc.nat(5_000), fc.integer({ min: 1, max: MAX_PAGE_SIZE }), (n, first) => {
        expect(planPages(n * first, first)).toEqual({ size: first, pages: [n + 1] });
      }),
    );
  });
});

describe("PageCursors", () => {
  const secret = Buffer.alloc(32, 1);
  const walk: Walk = [
    "transactions",
    "683005d6-f45c-4adb-b289-f1a12f50f80c",
    null,
    "2026-01-01",
    null,
  ];

  it("opens what it sealed, for the same walk, on every replica with the same secret", () => {
    const seal = new PageCursors(secret).sealer(walk);
    const replica = new PageCursors(Buffer.from(secret));
    for (const position of [0, 1, 99, 4_294_967_295]) {
      expect(replica.open(walk, seal(position))).toBe(position);
    }
  });

  it.each([
    ["another secret", new PageCursors(Buffer.alloc(32, 2)), walk],
    [
      "another link",
      new PageCursors(secret),
      ["transactions", "x", null, "2026-01-01", null] as Walk,
    ],
    [
      "another filter",
      new PageCursors(secret),
      ["transactions", walk[1], null, null, "2026-01-01"] as Walk,
    ],
    ["another query", new PageCursors(secret), ["owners", walk[1]] as Walk],
  ])("refuses a cursor under %s: BAD_USER_INPUT on after", (_, cursors, other) => {
    const cursor = new PageCursors(secret).seal(walk, 7);
    expect(() => cursors.open(other, cursor)).toThrow(
      expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field: "after" } }),
    );
  });
});
