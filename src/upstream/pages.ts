/**
 * One page of a saved list, read through Belvo's `page` / `page_size`: which Belvo pages cover a
 * window of items, and what a page answer says (its items, `count`, whether `next` goes on, and
 * on which host).
 */
import { UpstreamError, statusOnly } from "../errors.js";
import { UnexpectedBody, requiredObject, type Json } from "./json.js";
import type { Unreadable } from "./read.js";

/** Belvo's largest `page_size`. */
export const MAX_PAGE_SIZE = 1000;

/** The Belvo pages (1-based, all of `size` items) that hold the items `start` … `start + first - 1`. */
export interface PagePlan {
  size: number;
  pages: number[];
}

/**
 * One GET whenever it can be: at `page_size = first` when the window starts on a page boundary
 * (every page of a walk whose `first` stays the same); otherwise the smallest page size up to
 * 1,000 whose one page holds the whole window; otherwise two pages of `first`.
 */
export function planPages(start: number, first: number): PagePlan {
  if (start % first === 0) return { size: first, pages: [start / first + 1] };
  const last = start + first - 1;
  for (let size = first + 1; size <= MAX_PAGE_SIZE; size++) {
    if (Math.floor(start / size) === Math.floor(last / size)) {
      return { size, pages: [Math.floor(start / size) + 1] };
    }
  }
  const page = Math.floor(start / first) + 1;
  return { size: first, pages: [page, page + 1] };
}

/** A page answer as Belvo sends it. */
export interface RawPage {
  count: number;
  next: string | null;
  results: Json[];
}

export function toRawPage(body: Json): RawPage {
  const object = requiredObject(body, "the list");
  if (!Array.isArray(object.results)) throw new UnexpectedBody('"results" is not a list');
  const { next, count } = object;
  if (next !== null && next !== undefined && typeof next !== "string")
    throw new UnexpectedBody('"next" is not a URL');
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0)
    throw new UnexpectedBody('"count" is not a whole number');
  return { results: object.results, next: next ?? null, count };
}

/** Whether Belvo's `next` stays on Belvo's host (`origin`); a relative `next` does. */
export function onHost(next: string, origin: string): boolean {
  try {
    return new URL(next, origin).origin === origin;
  } catch {
    return false;
  }
}

/** One item of the page: its position in Belvo's whole list, and the item (or why not). */
export interface PageItem<T> {
  position: number;
  value: T | Unreadable;
}

export interface Page<T> {
  items: PageItem<T>[];
  /** Belvo's `count` (of the last page read). */
  count: number;
  hasNextPage: boolean;
  /**
   * Set when Belvo's `next` pointed off its host, or a page held no item of the window yet Belvo
   * said more follow: the walk ends (`hasNextPage` false), with this error at `endCursor`.
   */
  foreignNext: UpstreamError | null;
}

export function foreignNextError(): UpstreamError {
  return UpstreamError.unreadable(
    "Belvo's list pointed to another host for its next page; the gateway did not follow it, and the walk ends here.",
    statusOnly(200),
  );
}

export function stalledPageError(): UpstreamError {
  return UpstreamError.unreadable(
    "Belvo's page held none of the items asked for, yet said more follow; the walk cannot go on from here.",
    statusOnly(200),
  );
}
