/**
 * The arithmetic of a page (src/upstream/pages.ts `planPages`) and the cursors' seal
 * (src/pages/cursors.ts), on their own: every window is covered, in one Belvo GET whenever
 * `first` stays the same, never more than two; a cursor opens only for its walk and its secret.
 */
import { createHmac, hkdfSync } from "node:crypto";
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

const secret = Buffer.alloc(32, 1);
const walk: Walk = [
  "transactions",
  "683005d6-f45c-4adb-b289-f1a12f50f80c",
  null,
  "2026-01-01",
  null,
];

const refusal = expect.objectContaining({
  extensions: { code: "BAD_USER_INPUT", field: "after" },
});

describe("PageCursors", () => {
  it("opens what it sealed, for the same walk, on every replica with the same secret", () => {
    const seal = new PageCursors(secret).sealer(walk, 2_000, 2_999);
    const replica = new PageCursors(Buffer.from(secret));
    for (const position of [2_000, 2_001, 2_099, 2_999]) {
      expect(replica.open(walk, seal(position))).toBe(position);
    }
    expect(replica.open(walk, replica.seal(walk, 4_294_967_295))).toBe(4_294_967_295);
  });

  // Version 1 (one HMAC a cursor, before version 2): a walk under way across a rolling restart.
  it("opens a cursor of the earlier version, for its walk only", () => {
    const key = Buffer.from(hkdfSync("sha256", secret, "", "page cursors v1", 32));
    const head = Buffer.from([1, 0, 0, 0, 42]);
    const mac = createHmac("sha256", key).update(JSON.stringify(walk)).update(head).digest();
    const v1 = Buffer.concat([head, mac.subarray(0, 16)]).toString("base64url");
    expect(new PageCursors(secret).open(walk, v1)).toBe(42);
    expect(() => new PageCursors(secret).open(["owners", walk[1]], v1)).toThrow(refusal);
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
    expect(() => cursors.open(other, cursor)).toThrow(refusal);
  });
});

describe("PageCursors: a page's cursors are sealed in one pass, each on its own", () => {
  it("seals no position off its page", () => {
    const seal = new PageCursors(secret).sealer(walk, 10, 19);
    expect(() => seal(9)).toThrow(RangeError);
    expect(() => seal(20)).toThrow(RangeError);
  });

  it("seals each cursor of a page as the same position sealed alone, and tells nothing of it", () => {
    const cursors = new PageCursors(secret);
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.nat({ max: 999 }), (first, span) => {
        const seal = cursors.sealer(walk, first, first + span);
        for (const position of [first, first + (span >> 1), first + span]) {
          expect(seal(position)).toBe(cursors.seal(walk, position));
          expect(cursors.open(walk, seal(position))).toBe(position);
        }
      }),
      { numRuns: 50 },
    );
    // Neighbours share no visible part: a position is not spelled out.
    const [a, b] = [cursors.seal(walk, 700), cursors.seal(walk, 701)];
    expect([...a].filter((char, index) => char === b[index]).length).toBeLessThan(8);
  });

  it("refuses a cursor with any bit changed, even one naming another item of its page", () => {
    const cursors = new PageCursors(secret);
    const issued = Buffer.from(cursors.sealer(walk, 500, 999)(700), "base64url");
    fc.assert(
      fc.property(fc.nat({ max: 16 * 8 - 1 }), (bit) => {
        const bytes = Buffer.from(issued);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => cursors.open(walk, bytes.toString("base64url"))).toThrow(refusal);
      }),
      { numRuns: 16 * 8 },
    );
  });

  it("opens only the spelling it wrote (the last character's spare bits changed are refused)", () => {
    const cursors = new PageCursors(secret);
    const issued = cursors.seal(walk, 42);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(issued.at(-1)!);
    for (const spare of [1, 2, 3]) {
      const respelled = issued.slice(0, -1) + alphabet[(last & ~3) | ((last + spare) & 3)];
      expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(issued, "base64url"));
      expect(() => cursors.open(walk, respelled)).toThrow(refusal);
    }
  });
});
