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
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { InputError } from "../errors.js";

const VERSION = 1;
const MAC_BYTES = 16;
/** version (1) + position (4, big-endian) + mac. */
const CURSOR_BYTES = 1 + 4 + MAC_BYTES;
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
    const bytes = Buffer.alloc(CURSOR_BYTES);
    bytes.writeUInt8(VERSION, 0);
    bytes.writeUInt32BE(position, 1);
    this.mac(walk, bytes.subarray(0, 5)).copy(bytes, 5);
    return bytes.toString("base64url");
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
    // JSON keeps the parts apart: ("a,b", null) and ("a", "b,") never sign alike.
    hmac.update(JSON.stringify(walk.map((part) => part ?? null)));
    hmac.update(head);
    return hmac.digest().subarray(0, MAC_BYTES);
  }
}

function refused(): InputError {
  return new InputError(
    "after",
    "not a cursor this gateway issued for these arguments; pass an endCursor (or an edge's cursor) of the same query with the same arguments, or leave after out to start from the first page.",
  );
}
