/** Readers for Belvo's fields: dates, exact amounts, enums, nested objects, items read one by one. */
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
import type { FieldSpec, Fields, ObjectTypeClass } from "../types/fields.js";

export function enumValue<E extends Record<string, string>>(
  values: E,
  raw: string | null,
): E[keyof E] | null {
  if (raw === null) return null;
  const key = raw.toUpperCase();
  return key in values ? values[key as keyof E] : null;
}

/** Belvo's timestamps carry an offset; one without is taken as UTC, as Belvo's servers run. */
export function dateTime(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null || isDateTime(raw)) return raw;
  if (isDateTime(`${raw}Z`)) return `${raw}Z`;
  throw new UnexpectedBody(`"${key}" is not a date-time`);
}

/** A date, or the date part of a date-time. */
export function date(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  const day = raw.slice(0, 10);
  if (!isCalendarDate(day) || (raw.length > 10 && raw[10] !== "T")) {
    throw new UnexpectedBody(`"${key}" is not a date`);
  }
  return day;
}

/** An exact decimal string (decimal.ts's rules: exponents expanded, never through a float). */
export function decimal(object: JsonObject, key: string): string | null {
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
  return object === undefined || !(key in object) ? undefined : decimal(object, key);
}

export function optionalInt(object: JsonObject, key: string): number | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  if (!/^-?\d{1,9}$/.test(raw)) throw new UnexpectedBody(`"${key}" is not an integer`);
  return Number(raw);
}

/** A nested object: null when null; undefined when absent (so that it can be loaded). */
export function presentObject<T>(
  object: JsonObject,
  key: string,
  read: (value: JsonObject) => T,
): T | null | undefined {
  if (!(key in object)) return undefined;
  const value = object[key];
  return value === null ? null : read(requiredObject(value, `"${key}"`));
}

/**
 * A list of objects. With `status` (its items are nullable), a null item is null and one that
 * cannot be read is an Unreadable (an error at its path); without, any such item fails the list.
 */
export function objectsOf<T>(
  value: Json | undefined,
  key: string,
  read: (item: JsonObject) => T,
  status?: number,
): (T | null | Unreadable)[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new UnexpectedBody(`"${key}" is not a list`);
  const readItem = (item: Json) => read(requiredObject(item, `an item of "${key}"`));
  if (status === undefined) return value.map(readItem);
  return value.map((item) => (item === null ? null : readable(() => readItem(item), status)));
}

/** A date-time field, or undefined when the key is absent (so that it can be loaded). */
export function presentDateTime(object: JsonObject, key: string): string | null | undefined {
  return key in object ? dateTime(object, key) : undefined;
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

export function strings(value: Json | undefined): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

/** `status`: the HTTP status of Belvo's answer the object came in (an Unreadable quotes it). */
type Reader = (object: JsonObject, key: string, status: number) => unknown;

/** One field of a table as read: its name, Belvo's key for it, its reader; null when `given`. */
interface Step {
  name: string;
  /** Our name in snake_case: `documentId` is `document_id`. */
  key: string;
  /** False for `key` (an id is required even where absent fields may be loaded later). */
  loadable: boolean;
  read: Reader;
}

/** Worked out once per table: a list of thousands of balances reads through it. */
const PLANS = new WeakMap<Fields, readonly Step[]>();

function plan(fields: Fields): readonly Step[] {
  let steps = PLANS.get(fields);
  if (steps === undefined) {
    steps = Object.entries(fields)
      .filter(([, field]) => field.kind !== "given")
      .map(([name, field]) => ({
        name,
        key: name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
        loadable: field.kind !== "key",
        read: readerOf(field),
      }));
    PLANS.set(fields, steps);
  }
  return steps;
}

/** How a field of this kind is read from Belvo's object. */
function readerOf(field: FieldSpec): Reader {
  const kind = field.kind;
  // A non-null list Belvo left out is empty.
  const empty = field.options.nullable ? null : [];
  const nullableItems = field.options.nullable === "itemsAndList";
  const nested = field.of as Readable;
  switch (kind) {
    case "text":
      return optionalString;
    case "key":
      return requiredString;
    case "decimal":
      return decimal;
    case "date":
      return date;
    case "dateTime":
      return dateTime;
    case "int":
      return optionalInt;
    case "strings":
      return (object, key) => (Array.isArray(object[key]) ? strings(object[key]) : empty);
    case "enum":
      return (object, key) =>
        enumValue(field.of as Record<string, string>, optionalString(object, key));
    case "object":
      return (object, key, status) =>
        presentObject(object, key, (value) => readFields(nested, value, undefined, { status })) ??
        null;
    case "objects":
      return (object, key, status) =>
        objectsOf(
          object[key],
          key,
          (item) => readFields(nested, item, undefined, { status }),
          nullableItems ? status : undefined,
        ) ?? empty;
    case "given":
      return () => undefined;
    default:
      throw new Error(`unknown field kind ${String(kind satisfies never)}`);
  }
}

type Readable = ObjectTypeClass<Fields, object>;

/** How an object is read: `partial`, a key Belvo left out stays undefined (so that it can be
 * loaded); `status`, the HTTP status of the answer it came in (200 unless said). */
export interface ReadOptions {
  partial?: boolean;
  status?: number;
}

/**
 * An object type read from Belvo's object through its field table (types/fields.ts): each field
 * from its snake_case key, by its kind; the `given` fields from the caller.
 */
export function readFields<V extends object, G extends object = Partial<V>>(
  type: ObjectTypeClass<Fields, V>,
  object: JsonObject,
  given?: G,
  { partial = false, status = 200 }: ReadOptions = {},
): V & G {
  const values = new type() as Record<string, unknown>;
  for (const step of plan(type.fields)) {
    const absent = partial && step.loadable && !(step.key in object);
    values[step.name] = absent ? undefined : step.read(object, step.key, status);
  }
  return (given === undefined ? values : Object.assign(values, given)) as V & G;
}
