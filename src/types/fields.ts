/**
 * An object type is declared once, as a table of its fields: each entry gives the field's
 * GraphQL type, nullability and description, and how its value is read (`kind`). The class, its
 * type-graphql metadata and its TypeScript type all come from that table, and upstream/read.ts
 * reads Belvo's objects through the same table, so a new field is one line.
 *
 * Fields are declared on the class itself (not inherited), so execution/shortcuts.ts still sees
 * each one as the type's own.
 */
import { Field, ID, Int, ObjectType, registerEnumType, type FieldOptions } from "type-graphql";
import { DateScalar, DateTimeScalar, DecimalScalar } from "./scalars.js";

/** How a field's value is read from the source object (upstream/read.ts `readField`). */
export type FieldKind =
  | "text"
  | "key"
  | "decimal"
  | "date"
  | "dateTime"
  | "int"
  | "strings"
  | "enum"
  | "object"
  | "objects"
  /** Never read from the source by kind: the mapping gives the value. */
  | "given";

export interface FieldSpec<V = unknown> {
  kind: FieldKind;
  type: () => unknown;
  options: FieldOptions;
  /** The enum's values (kind `enum`) or the nested object type (`object`, `objects`). */
  of?: unknown;
  /** Only carries the value's TypeScript type. */
  readonly value?: V;
}

export type Fields = Record<string, FieldSpec>;

export type Values<S extends Fields> = {
  -readonly [K in keyof S]: S[K] extends FieldSpec<infer V> ? V : never;
};

/** An object type built by `objectType`: `new` gives an empty instance to fill. */
export interface ObjectTypeClass<S extends Fields, V = Values<S>> {
  new (): V;
  readonly fields: S;
}

/** A description, or the field's options whole (e.g. with a deprecationReason). */
type Described = string | FieldOptions;

function spec<V>(kind: FieldKind, type: () => unknown, options?: Described, of?: unknown) {
  const given = typeof options === "string" ? { description: options } : options;
  return { kind, type, options: { nullable: true, ...given }, of } as FieldSpec<V>;
}

export const text = (options?: Described) => spec<string | null>("text", () => String, options);
export const nullableId = () => spec<string | null>("text", () => ID);
export const decimal = (options?: Described) =>
  spec<string | null>("decimal", () => DecimalScalar, options);
export const date = (options?: Described) => spec<string | null>("date", () => DateScalar, options);
export const dateTime = (options?: Described) =>
  spec<string | null>("dateTime", () => DateTimeScalar, options);
export const int = (options?: Described) => spec<number | null>("int", () => Int, options);
export const strings = (options?: Described) =>
  spec<string[] | null>("strings", () => [String], options);
export const choice = <E extends Record<string, string>>(values: E, options?: Described) =>
  spec<E[keyof E] | null>("enum", () => values, options, values);
export const one = <T>(type: new () => T, options?: Described) =>
  spec<T | null>("object", () => type, options, type);
export const many = <T>(type: new () => T, options?: Described) =>
  spec<T[] | null>("objects", () => [type], options, type);
/**
 * A list whose items Belvo's spec marks nullable (`[T]`): a null item is served null, one that
 * cannot be read is an error at its path (upstream/read.ts `objectsOf`).
 */
export const manyNullable = <T>(type: new () => T, description?: string) =>
  spec<(T | null | Error)[] | null>(
    "objects",
    () => [type],
    { description, nullable: "itemsAndList" },
    type,
  );

/** The non-null `ID` every stored object has. */
export const id = () => spec<string>("key", () => ID, { nullable: false });

/** A field whose value the mapping computes (`type` is its GraphQL type). */
export const given = <V>(type: () => unknown, options?: Described) =>
  spec<V>("given", type, options);

/** When Belvo read an object from the institution and when it stored it. */
export const readAndStored = () => ({ collectedAt: dateTime(), createdAt: dateTime() });

/** The same field, non-null. */
export function required<V>(field: FieldSpec<V>): FieldSpec<NonNullable<V>> {
  return { ...field, options: { ...field.options, nullable: false } } as FieldSpec<NonNullable<V>>;
}

/** Items Belvo sent, each served, or an error at its path when it could not be read. */
export const items = <T>(type: new () => T) =>
  given<(T | Error)[]>(() => [type], { nullable: "items" });

/** A list answer's `saved`: Belvo answered 201. */
export const saved = (description = "True when Belvo stored them (it answered 201).") =>
  required(given<boolean>(() => Boolean, description));

/** `${Item}List`: the items Belvo retrieved (`key`), and whether it stored them. */
export function listType<T, K extends string>(
  name: string,
  item: new () => T,
  key: K,
  savedDescription?: string,
) {
  const fields = { [key]: items(item), saved: saved(savedDescription) } as {
    [P in K]: FieldSpec<(T | Error)[]>;
  } & { saved: FieldSpec<boolean> };
  return objectType(name, `The ${key} Belvo retrieved.`, fields);
}

/** Declares the object type `name` from its field table (see the file's comment). */
export function objectType<S extends Fields>(
  name: string,
  description: string,
  fields: S,
): ObjectTypeClass<S> {
  const type = { [name]: class {} }[name]!;
  for (const [key, field] of Object.entries(fields)) {
    Field(field.type as () => typeof String, field.options)(type.prototype, key);
  }
  ObjectType(name, { description })(type);
  return Object.assign(type, { fields }) as unknown as ObjectTypeClass<S>;
}

/**
 * A field table with no object type of its own (its fields are served by resolvers, e.g. an
 * institution's details): read like an object type, `new` gives a plain record.
 */
export function record<S extends Fields>(fields: S): ObjectTypeClass<S> {
  return Object.assign(class {}, { fields }) as unknown as ObjectTypeClass<S>;
}

/** A GraphQL enum whose values are their own names, e.g. `{ VALID: "VALID" }`. */
export function enumType<const V extends string>(
  name: string,
  values: readonly V[],
  description?: string,
): { readonly [K in V]: K } {
  const type = Object.fromEntries(values.map((value) => [value, value])) as { [K in V]: K };
  registerEnumType(type, { name, description });
  return type;
}
