/**
 * A cursor: an event's link and position made opaque (base64url). Positions come from the shared
 * store (the Redis Stream's ids with Redis), so a cursor works on any replica.
 */
import { InputError } from "../errors.js";

export function encodeCursor(link: string, position: string): string {
  return Buffer.from(`1|${link}|${position}`, "utf8").toString("base64url");
}

/** The position a cursor of `link` names; an InputError naming `field` otherwise. */
export function decodeCursor(cursor: string, link: string, field = "after"): string {
  const text = /^[\w-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, "base64url").toString("utf8")
    : "";
  const [version, cursorLink, position] = text.split("|");
  if (version !== "1" || !position || !/^\d{1,16}-\d{1,16}$/.test(position)) {
    throw new InputError(field, "not a cursor; give a LinkEvent's `cursor` as it came.");
  }
  if (cursorLink !== link) {
    throw new InputError(field, "a cursor of another link's events.");
  }
  return position;
}
