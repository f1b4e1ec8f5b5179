/**
 * Page cursors: opaque, sealed, bound to their walk. A cursor names one item of a Belvo list by
 * its position (0-based, in Belvo's order) and carries an HMAC of that position together with the
 * walk it was issued for (the query and every argument that changes the list: link, filters). So a
 * cursor cannot be made up, edited, or moved to another link or other filters: it would not
 * verify, and is refused before anything is sent to Belvo. `first` is not bound: a walk may change
 * its page size (see docs/pages.md).
 *
 * The key comes from the store-key secret (guards/store-keys.ts: STORE_KEY_SECRET, or derived
 * from the Belvo key pair), through HKDF with its own label, so every replica issues and accepts
 * the same cursors and a cursor tells nothing of that secret.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual, type Hash } from "node:crypto";
import { InputError } from "../errors.js";

const VERSION = 1;
const MAC_BYTES = 16;
/** version (1) + position (4, big-endian) + mac. */
const CURSOR_BYTES = 1 + 4 + MAC_BYTES;
const INFO = "page cursors v1";

/** The walk a cursor belongs to: the query's name and its list-shaping arguments, in order. */
export type Walk = readonly [query: string, ...args: (string | null | undefined)[]];

/** SHA-256's block: HMAC pads its key to it. */
const BLOCK = 64;

export class PageCursors {
  private readonly key: Buffer;
  /** HMAC's outer hash, keyed, before its input: copied for each cursor. */
  private readonly outer: Hash;
  private readonly innerKey: Uint8Array;

  /** `storeKeySecret`: the 32 bytes of guards/store-keys.ts. */
  constructor(storeKeySecret: Buffer) {
    this.key = Buffer.from(hkdfSync("sha256", storeKeySecret, "", INFO, 32));
    const padded = Buffer.alloc(BLOCK);
    this.key.copy(padded);
    this.innerKey = padded.map((byte) => byte ^ 0x36);
    this.outer = createHash("sha256").update(padded.map((byte) => byte ^ 0x5c));
  }

  /** The cursor of the item at `position` of `walk`. */
  seal(walk: Walk, position: number): string {
    return this.sealer(walk)(position);
  }

  /**
   * Seals the cursors of one walk: a page of 1,000 has 1,000. The same HMAC as `open` checks
   * (RFC 2104, written out so that the walk is hashed once per page, not once per cursor: a
   * fresh HMAC per cursor cost 7-40 ms a page on a shared machine).
   */
  sealer(walk: Walk): (position: number) => string {
    const inner = createHash("sha256").update(this.innerKey).update(walkText(walk));
    return (position) => {
      const bytes = Buffer.alloc(CURSOR_BYTES);
      bytes.writeUInt8(VERSION, 0);
      bytes.writeUInt32BE(position, 1);
      const head = bytes.subarray(0, 5);
      const digest = inner.copy().update(head).digest();
      this.outer.copy().update(digest).digest().copy(bytes, 5, 0, MAC_BYTES);
      return bytes.toString("base64url");
    };
  }

  /**
   * The position a cursor names, when it was issued for `walk`; otherwise BAD_USER_INPUT on
   * `after` (the message never quotes the cursor).
   */
  open(walk: Walk, cursor: string): number {
    const bytes = /^[A-Za-z0-9_-]{28}$/.test(cursor) ? Buffer.from(cursor, "base64url") : null;
    if (bytes === null || bytes.length !== CURSOR_BYTES || bytes.readUInt8(0) !== VERSION) {
      throw refused();
    }
    const expected = this.mac(walk, bytes.subarray(0, 5));
    if (!timingSafeEqual(expected, bytes.subarray(5))) throw refused();
    return bytes.readUInt32BE(1);
  }

  private mac(walk: Walk, head: Buffer): Buffer {
    const hmac = createHmac("sha256", this.key);
    hmac.update(walkText(walk));
    hmac.update(head);
    return hmac.digest().subarray(0, MAC_BYTES);
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
