/**
 * Readers for Belvo's fields: dates, exact amounts, enums, nested objects, items read one by one.
 * An object type (a class of src/types/) is read through a table of readers, one per property,
 * written `satisfies Readers<Link>` so that a field added on one side only does not compile.
 */
import { toDecimal } from "../decimal.js";
import { UpstreamError, statusOnly } from "../errors.js";
import { isCalendarDate, isDateTime } from "../types/scalars.js";
import {
  UnexpectedBody,
  optionalString,
  requiredObject,
  requiredString,
  type Json,
  type JsonObject,
} from "./json.js";

export function enumValue<E extends Record<string, string>>(
  values: E,
  raw: string | null,
): E[keyof E] | null {
  if (raw === null) return null;
  const key = raw.toUpperCase();
  return key in values ? values[key as keyof E] : null;
}

/** Belvo's timestamps carry an offset; one without is taken as UTC, as Belvo's servers run. */
function readDateTime(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null || isDateTime(raw)) return raw;
  if (isDateTime(`${raw}Z`)) return `${raw}Z`;
  throw new UnexpectedBody(`"${key}" is not a date-time`);
}

/** A date, or the date part of a date-time. */
function readDate(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  const day = raw.slice(0, 10);
  if (!isCalendarDate(day) || (raw.length > 10 && raw[10] !== "T")) {
    throw new UnexpectedBody(`"${key}" is not a date`);
  }
  return day;
}

/** An exact decimal string (decimal.ts's rules: exponents expanded, never through a float). */
function readDecimal(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  const exact = toDecimal(raw);
  if (exact === null) throw new UnexpectedBody(`"${key}" is not a decimal`);
  return exact;
}

/** A string field, or undefined when the key is absent (so that it can be loaded). */
export function present(object: JsonObject | undefined, key: string): string | null | undefined {
  return object === undefined || !(key in object) ? undefined : optionalString(object, key);
}

export function presentDecimal(
  object: JsonObject | undefined,
  key: string,
): string | null | undefined {
  return object === undefined || !(key in object) ? undefined : readDecimal(object, key);
}

function optionalInt(object: JsonObject, key: string): number | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  if (!/^-?\d{1,9}$/.test(raw)) throw new UnexpectedBody(`"${key}" is not an integer`);
  return Number(raw);
}

/** A nested object: null when null; undefined when absent (so that it can be loaded). */
function presentObject<T>(
  object: JsonObject,
  key: string,
  read: (value: JsonObject) => T,
): T | null | undefined {
  if (!(key in object)) return undefined;
  const value = object[key];
  return value === null ? null : read(requiredObject(value, `"${key}"`));
}

/** A list of objects: any item that cannot be read fails the list. */
function objectsOf<T>(
  value: Json | undefined,
  key: string,
  read: (item: JsonObject) => T,
): T[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new UnexpectedBody(`"${key}" is not a list`);
  return value.map((item) => read(requiredObject(item, `an item of "${key}"`)));
}

/** A list of nullable objects: a null item is null, one that cannot be read an Unreadable. */
function nullableObjectsOf<T>(
  value: Json | undefined,
  key: string,
  read: (item: JsonObject) => T,
  status: number,
): (T | null | Unreadable)[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new UnexpectedBody(`"${key}" is not a list`);
  const readItem = (item: Json) => read(requiredObject(item, `an item of "${key}"`));
  return value.map((item) => (item === null ? null : readable(() => readItem(item), status)));
}

/**
 * Served in place of a part of Belvo's answer that the gateway could not read: GraphQL puts the
 * error at that part's path and delivers the rest (a list Belvo may have saved is never lost).
 */
export type Unreadable = UpstreamError;

/** `read(value)`, or, when the value does not have the shape needed, an Unreadable. */
export function readable<T>(read: () => T, status: number): T | Unreadable {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UnexpectedBody)) throw error;
    return UpstreamError.unreadable(
      `Belvo's answer had an item the gateway could not read (${error.message}); the other items are delivered.`,
      statusOnly(status),
    );
  }
}

/** Belvo's array answer, each item read on its own. */
export function itemsOf<T>(
  body: Json,
  what: string,
  status: number,
  toItem: (item: Json, status: number) => T,
): (T | Unreadable)[] {
  if (!Array.isArray(body)) throw new UnexpectedBody(`the ${what} are not a list`);
  return body.map((item) => readable(() => toItem(item, status), status));
}

function stringsOf(value: Json | undefined): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

/** How one property of an object type is read from Belvo's object. */
export interface Reader<V> {
  /** Belvo's key for it: in a partial read, a property whose key is absent stays undefined. */
  readonly key: string;
  /** False for an id: required even where absent properties may be loaded later. */
  readonly loadable: boolean;
  /** Belvo's keys, this one or inside it, whose numbers are amounts: parseJson keeps their digits. */
  readonly decimalKeys: readonly string[];
  /** `status`: the HTTP status of Belvo's answer the object came in (an Unreadable quotes it). */
  readonly read: (object: JsonObject, status: number) => V;
}

/** A reader for each property of `T`, no more, no less (`satisfies Readers<Link>`). */
export type Readers<T> = { readonly [K in keyof Required<T>]: Reader<T[K]> };

/** A property read by `read` from under `key`; `decimalKeys`, as `Reader` says. */
export function reader<V>(
  key: string,
  read: (object: JsonObject, status: number) => V,
  decimalKeys: readonly string[] = [],
): Reader<V> {
  return { key, loadable: true, decimalKeys, read };
}

/** The non-null `id` every stored object has. */
export const id = (): Reader<string> => ({
  ...reader("id", (object) => requiredString(object, "id")),
  loadable: false,
});
export const requiredText = (key: string): Reader<string> =>
  reader(key, (object) => requiredString(object, key));
export const text = (key: string): Reader<string | null> =>
  reader(key, (object) => optionalString(object, key));
/** A string in Belvo's spec that it may send as a number: quoted like an amount, digits kept. */
export const digits = (key: string): Reader<string | null> =>
  reader(key, (object) => optionalString(object, key), [key]);
export const decimal = (key: string): Reader<string | null> =>
  reader(key, (object) => readDecimal(object, key), [key]);
export const date = (key: string): Reader<string | null> =>
  reader(key, (object) => readDate(object, key));
export const dateTime = (key: string): Reader<string | null> =>
  reader(key, (object) => readDateTime(object, key));
export const int = (key: string): Reader<number | null> =>
  reader(key, (object) => optionalInt(object, key));
export const strings = (key: string): Reader<string[] | null> =>
  reader(key, (object) => (Array.isArray(object[key]) ? stringsOf(object[key]) : null));
/** A non-null list: empty when Belvo left it out. */
export const stringList = (key: string): Reader<string[]> =>
  reader(key, (object) => stringsOf(object[key]));
export const choice = <E extends Record<string, string>>(
  key: string,
  values: E,
): Reader<E[keyof E] | null> =>
  reader(key, (object) => enumValue(values, optionalString(object, key)));

/** A nested object, read through its own readers. */
export const one = <T extends object>(
  key: string,
  type: new () => T,
  readers: Readers<T>,
): Reader<T | null> =>
  reader(
    key,
    (object, status) =>
      presentObject(object, key, (value) => readObject(type, readers, value, { status })) ?? null,
    decimalKeysOf(readers),
  );

/** A list of nested objects: one that cannot be read fails the whole. */
export const many = <T extends object>(
  key: string,
  type: new () => T,
  readers: Readers<T>,
): Reader<T[] | null> =>
  reader(
    key,
    (object, status) =>
      objectsOf(object[key], key, (item) => readObject(type, readers, item, { status })),
    decimalKeysOf(readers),
  );

/** A non-null list of nested objects: empty when Belvo left it out. */
export const manyOrEmpty = <T extends object>(
  key: string,
  type: new () => T,
  readers: Readers<T>,
): Reader<T[]> => {
  const list = many(key, type, readers);
  return { ...list, read: (object, status) => list.read(object, status) ?? [] };
};

/**
 * A list whose items Belvo's spec marks nullable (`[T]`): a null item is served null, one that
 * cannot be read is an error at its path.
 */
export const manyNullable = <T extends object>(
  key: string,
  type: new () => T,
  readers: Readers<T>,
): Reader<(T | null | Unreadable)[] | null> =>
  reader(
    key,
    (object, status) =>
      nullableObjectsOf(
        object[key],
        key,
        (item) => readObject(type, readers, item, { status }),
        status,
      ),
    decimalKeysOf(readers),
  );

/** Every key under which `readers` read an amount (parseJson's `decimalKeys`). */
export function decimalKeysOf<T>(readers: Readers<T>): readonly string[] {
  const all = Object.values<Reader<unknown>>(readers).flatMap((read) => read.decimalKeys);
  return [...new Set(all)];
}

/** Worked out once per table: a list of thousands of balances reads through it. */
const ENTRIES = new WeakMap<object, readonly (readonly [string, Reader<unknown>])[]>();

function entriesOf<T>(readers: Readers<T>): readonly (readonly [string, Reader<unknown>])[] {
  let entries = ENTRIES.get(readers);
  if (entries === undefined) {
    entries = Object.entries<Reader<unknown>>(readers);
    ENTRIES.set(readers, entries);
  }
  return entries;
}

/** How an object is read: `partial`, a key Belvo left out stays undefined (so that it can be
 * loaded); `status`, the HTTP status of the answer it came in (200 unless said). */
export interface ReadOptions {
  partial?: boolean;
  status?: number;
}

/** A `type` read from Belvo's object, each property by its reader, in the table's order. */
export function readObject<T extends object>(
  type: new () => T,
  readers: Readers<T>,
  object: JsonObject,
  { partial = false, status = 200 }: ReadOptions = {},
): T {
  const values = new type() as Record<string, unknown>;
  for (const [name, read] of entriesOf(readers)) {
    const absent = partial && read.loadable && !(read.key in object);
    values[name] = absent ? undefined : read.read(object, status);
  }
  return values as T;
}
