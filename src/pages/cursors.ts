/**
 * Page cursors: opaque, sealed, bound to their walk. A cursor names one item of a Belvo list by
 * its position (0-based, in Belvo's order). Each cursor is one AES-256 block: the version, the
 * position and eleven zero bytes, enciphered under a key that is the HMAC of the walk it was
 * issued for (the query and every argument that changes the list: link, filters). So a cursor
 * cannot be made up, edited, or moved to another link or other filters: under any other key, or
 * with any bit changed, it deciphers to noise whose twelve fixed bytes do not match (one chance
 * in 2^96), and it is refused before anything is sent to Belvo. A cursor tells nothing of its
 * position. `first` is not bound: a walk may change its page size (see docs/pages.md).
 *
 * A page costs one HMAC and one pass of AES over its blocks, not one HMAC a cursor: 1,000 HMACs
 * cost 2-9 ms of CPU a page.
 *
 * The key comes from the store-key secret (guards/store-keys.ts: STORE_KEY_SECRET, or derived
 * from the Belvo key pair), through HKDF with its own label, so every replica issues and accepts
 * the same cursors and a cursor tells nothing of that secret.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from "node:crypto";
import { InputError } from "../errors.js";

const VERSION = 2;
/** A cursor: one AES block, 22 base64url characters. */
const BLOCK = 16;
const CURSOR = /^[A-Za-z0-9_-]{22}$/;
/** After the version (1) and the position (4): eleven zero bytes, what an edit cannot keep. */
const POSITION_END = 5;
/** The most cursors one page seals (Belvo's pages hold at most 1,000 items). */
const MAX_SPAN = 0xffff;
/**
 * Cursors of builds before version 2: one HMAC each over version (1) + position (4), 16 bytes of
 * it kept, 28 characters. Still opened, so a walk under way across a rolling restart goes on.
 */
const V1 = { version: 1, bytes: 21, pattern: /^[A-Za-z0-9_-]{28}$/, macBytes: 16 } as const;
/** HKDF's label for the cursors' key, which both versions share. */
const INFO = "page cursors v1";

/** The walk a cursor belongs to: the query's name and its list-shaping arguments, in order. */
export type Walk = readonly [query: string, ...args: (string | null | undefined)[]];

export class PageCursors {
  private readonly key: Buffer;

  /** `storeKeySecret`: the 32 bytes of guards/store-keys.ts. */
  constructor(storeKeySecret: Buffer) {
    this.key = Buffer.from(hkdfSync("sha256", storeKeySecret, "", INFO, 32));
  }

  /** The cursor of the item at `position` of `walk`. */
  seal(walk: Walk, position: number): string {
    return this.sealer(walk, position, position)(position);
  }

  /**
   * Seals the cursors of one page, the items at `first` … `last` (contiguous, as a page is), in
   * one pass. The returned function takes a position in that range.
   */
  sealer(walk: Walk, first: number, last: number): (position: number) => string {
    const count = last - first + 1;
    if (!Number.isInteger(count) || count < 1 || count > MAX_SPAN || last > 0xffffffff) {
      throw new RangeError(`cannot seal the positions ${first} … ${last} as one page`);
    }
    const plain = Buffer.alloc(count * BLOCK);
    for (let index = 0; index < count; index++) {
      plain.writeUInt8(VERSION, index * BLOCK);
      plain.writeUInt32BE(first + index, index * BLOCK + 1);
    }
    const cipher = createCipheriv("aes-256-ecb", this.walkKey(walk), null).setAutoPadding(false);
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return (position) => {
      const index = position - first;
      if (!(index >= 0 && index < count)) throw new RangeError(`${position} is not on this page`);
      return sealed.subarray(index * BLOCK, (index + 1) * BLOCK).toString("base64url");
    };
  }

  /**
   * The position a cursor names, when it was issued for `walk`; otherwise BAD_USER_INPUT on
   * `after` (the message never quotes the cursor).
   */
  open(walk: Walk, cursor: string): number {
    if (V1.pattern.test(cursor)) return this.openV1(walk, cursor);
    if (!CURSOR.test(cursor)) throw refused();
    const block = Buffer.from(cursor, "base64url");
    // The 22nd character carries 4 spare bits: only the one spelling the gateway writes opens.
    if (block.toString("base64url") !== cursor) throw refused();
    const decipher = createDecipheriv("aes-256-ecb", this.walkKey(walk), null);
    const plain = Buffer.concat([decipher.setAutoPadding(false).update(block), decipher.final()]);
    if (plain.readUInt8(0) !== VERSION || plain.subarray(POSITION_END).some((byte) => byte !== 0)) {
      throw refused();
    }
    return plain.readUInt32BE(1);
  }

  private openV1(walk: Walk, cursor: string): number {
    const bytes = Buffer.from(cursor, "base64url");
    if (bytes.length !== V1.bytes || bytes.readUInt8(0) !== V1.version) throw refused();
    const head = bytes.subarray(0, 5);
    const expected = createHmac("sha256", this.key).update(walkText(walk)).update(head).digest();
    if (!timingSafeEqual(expected.subarray(0, V1.macBytes), bytes.subarray(5))) throw refused();
    return bytes.readUInt32BE(1);
  }

  /** The walk's own key: HMAC-SHA256 of the walk, with a label no version-1 MAC input has. */
  private walkKey(walk: Walk): Buffer {
    return createHmac("sha256", this.key).update("v2 key ").update(walkText(walk)).digest();
  }
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
