/**
 * Page cursors: opaque, sealed, bound to their walk. A cursor names one item of a Belvo list by
 * its position (0-based, in Belvo's order). A page's cursors share one HMAC, over the walk they
 * were issued for (the query and every argument that changes the list: link, filters) and the
 * page's range of positions (its first position and how many follow); each cursor is that sealed
 * head followed by its item's offset in the range. So a cursor cannot be made up, edited, or
 * moved to another link or other filters: it would not verify, and is refused before anything is
 * sent to Belvo. Editing the offset within the range only gives the cursor the gateway issued
 * for that other item of the same page; an offset past the range is refused. `first` is not
 * bound: a walk may change its page size (see docs/pages.md).
 *
 * One HMAC a page, not one a cursor: 1,000 HMACs cost 2-9 ms of CPU a page (61-114 µs now).
 *
 * The key comes from the store-key secret (guards/store-keys.ts: STORE_KEY_SECRET, or derived
 * from the Belvo key pair), through HKDF with its own label, so every replica issues and accepts
 * the same cursors and a cursor tells nothing of that secret.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { InputError } from "../errors.js";

const VERSION = 2;
/** What the MAC covers: version (1) + the range's first position (4) + its last offset (2). */
const RANGE_BYTES = 7;
/** Enough for a head of whole base64 groups: 7 + 17 = 24 bytes, 32 characters. */
const MAC_BYTES = 17;
const HEAD_BYTES = RANGE_BYTES + MAC_BYTES;
/** The offset: 3 bytes, 4 characters; a cursor is 27 bytes, 36 characters. */
const CURSOR = /^[A-Za-z0-9_-]{36}$/;
const OFFSET_BYTES = 3;
/** The largest range a page can have (a uint16 last offset). */
const MAX_OFFSET = 0xffff;
/**
 * Cursors of builds before version 2: one HMAC each over version (1) + position (4), 16 bytes of
 * it kept, 28 characters. Still opened, so a walk under way across a rolling restart goes on.
 */
const V1 = { version: 1, bytes: 21, pattern: /^[A-Za-z0-9_-]{28}$/, macBytes: 16 } as const;
/** HKDF's label for the cursors' key, which both versions share. */
const INFO = "page cursors v1";
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The walk a cursor belongs to: the query's name and its list-shaping arguments, in order. */
export type Walk = readonly [query: string, ...args: (string | null | undefined)[]];

export class PageCursors {
  private readonly key: Buffer;

  /** `storeKeySecret`: the 32 bytes of guards/store-keys.ts. */
  constructor(storeKeySecret: Buffer) {
    this.key = Buffer.from(hkdfSync("sha256", storeKeySecret, "", INFO, 32));
  }

  /** The cursor of the item at `position` of `walk`, alone in its range. */
  seal(walk: Walk, position: number): string {
    return this.sealer(walk, position, position)(position);
  }

  /**
   * Seals the cursors of one page: the items at `first` … `last` (contiguous, as a page is), with
   * one HMAC. The returned function takes a position in that range.
   */
  sealer(walk: Walk, first: number, last: number): (position: number) => string {
    const span = last - first;
    if (!Number.isInteger(span) || span < 0 || span > MAX_OFFSET) {
      throw new RangeError(`cannot seal the positions ${first} … ${last} as one page`);
    }
    const head = Buffer.alloc(HEAD_BYTES);
    head.writeUInt8(VERSION, 0);
    head.writeUInt32BE(first, 1);
    head.writeUInt16BE(span, 5);
    this.mac(walk, head.subarray(0, RANGE_BYTES)).copy(head, RANGE_BYTES, 0, MAC_BYTES);
    const sealed = head.toString("base64url");
    return (position) => {
      const offset = position - first;
      if (!(offset >= 0 && offset <= span)) throw new RangeError(`${position} is not on this page`);
      return sealed + offsetText(offset);
    };
  }

  /**
   * The position a cursor names, when it was issued for `walk`; otherwise BAD_USER_INPUT on
   * `after` (the message never quotes the cursor).
   */
  open(walk: Walk, cursor: string): number {
    if (V1.pattern.test(cursor)) return this.openV1(walk, cursor);
    const bytes = CURSOR.test(cursor) ? Buffer.from(cursor, "base64url") : null;
    if (bytes === null || bytes.readUInt8(0) !== VERSION) throw refused();
    const expected = this.mac(walk, bytes.subarray(0, RANGE_BYTES)).subarray(0, MAC_BYTES);
    if (!timingSafeEqual(expected, bytes.subarray(RANGE_BYTES, HEAD_BYTES))) throw refused();
    const offset = bytes.readUIntBE(HEAD_BYTES, OFFSET_BYTES);
    if (offset > bytes.readUInt16BE(5)) throw refused();
    return bytes.readUInt32BE(1) + offset;
  }

  private openV1(walk: Walk, cursor: string): number {
    const bytes = Buffer.from(cursor, "base64url");
    if (bytes.length !== V1.bytes || bytes.readUInt8(0) !== V1.version) throw refused();
    const expected = this.mac(walk, bytes.subarray(0, 5)).subarray(0, V1.macBytes);
    if (!timingSafeEqual(expected, bytes.subarray(5))) throw refused();
    return bytes.readUInt32BE(1);
  }

  /** HMAC-SHA256 of the walk, then `head` (the walk's JSON keeps the two apart). */
  private mac(walk: Walk, head: Buffer): Buffer {
    return createHmac("sha256", this.key).update(walkText(walk)).update(head).digest();
  }
}

/** An offset as 3 big-endian bytes in base64url: 4 characters, after a head of whole groups. */
function offsetText(offset: number): string {
  return (
    BASE64URL[(offset >> 18) & 63]! +
    BASE64URL[(offset >> 12) & 63]! +
    BASE64URL[(offset >> 6) & 63]! +
    BASE64URL[offset & 63]!
  );
}

/** JSON keeps the parts apart: ("a,b", null) and ("a", "b,") never sign alike. */
function walkText(walk: Walk): string {
  return JSON.stringify(walk.map((part) => part ?? null));
}

function refused(): InputError {
  return new InputError(
    "after",
    "not a cursor this gateway issued for these arguments; pass an endCursor (or an edge's cursor) of the same query with the same arguments, or leave after out to start from the first page.",
  );
}
