/**
 * Every shortcut the schema takes for speed, applied in one place (`applySpeedShortcuts`, called
 * by the schema builder). Each replaces a resolver type-graphql built; type-graphql's resolver is
 * where middlewares (`@UseMiddleware`, global ones) and `@Authorized` roles run, so a shortcut
 * is taken only on a field that has none (`bareFields`): a field that gains one keeps its
 * wrapper, and with it the middleware. test/execution-shortcuts.test.ts proves it.
 */
import { isObjectType, isUnionType, type GraphQLSchema } from "graphql";
import { getMetadataStorage, type BuildSchemaOptions } from "type-graphql";

/** The options given to type-graphql's buildSchema: its `globalMiddlewares` run on every field. */
export type ShortcutOptions = Pick<BuildSchemaOptions, "globalMiddlewares">;

/** `Type.field` of every field type-graphql runs nothing around: no middleware, no roles. */
export type BareFields = ReadonlySet<string>;

/**
 * Read from type-graphql's metadata (after buildSchema): a field is bare when neither its own
 * metadata nor its field resolver's (a `@FieldResolver` keeps its own list) carries a
 * middleware or roles. A field not found in the metadata (e.g. inherited) is not bare.
 */
export function bareFields({ globalMiddlewares = [] }: ShortcutOptions = {}): BareFields {
  const bare = new Set<string>();
  if (globalMiddlewares.length > 0) return bare;
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(
    storage.objectTypes.map((type) => [type.target, type.name]),
  );
  const guarded = new Set<string>();
  for (const resolver of storage.fieldResolvers) {
    if (!resolver.middlewares?.length && !resolver.roles) continue;
    guarded.add(`${typeNames.get(resolver.getObjectType?.()) ?? ""}.${resolver.schemaName}`);
  }
  for (const type of storage.objectTypes) {
    for (const field of type.fields ?? []) {
      const key = `${type.name}.${field.schemaName}`;
      if (field.middlewares?.length === 0 && !field.roles && !guarded.has(key)) bare.add(key);
    }
  }
  return bare;
}

/**
 * type-graphql wraps even a plain property field in a resolver that runs its middleware chain;
 * on a list of balances that is most of execution. A bare field with no resolver of its own
 * reads `root[name]`, exactly what graphql's default resolver does, so it gets that.
 * Must not break: a field with a middleware or roles (not bare) keeps type-graphql's resolver.
 */
function unwrapPlainFields(schema: GraphQLSchema, bare: BareFields): void {
  const storage = getMetadataStorage();
  const typeNames = new Map(storage.objectTypes.map((type) => [type.target, type.name]));
  const resolved = new Set(
    storage.fieldResolvers.map(
      (field) => `${typeNames.get(field.getObjectType?.() ?? Object) ?? ""}.${field.schemaName}`,
    ),
  );
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (bare.has(key) && !resolved.has(key)) field.resolve = undefined;
    }
  }
}

/**
 * type-graphql wraps every union's resolveType in an async function; ours are synchronous
 * instanceof tests, and graphql-jit needs a synchronous answer (a type name), so each union gets
 * its resolveType back, unwrapped, with a class mapped to its type's name.
 * Must not break: a resolveType that answers a promise is refused loudly, never guessed.
 */
function synchronousUnions(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(
    storage.objectTypes.map((type) => [type.target, type.name]),
  );
  for (const union of storage.unions) {
    const type = schema.getType(union.name);
    const resolve = union.resolveType;
    if (!isUnionType(type) || !resolve) continue;
    type.resolveType = (value, context, info, abstractType) => {
      const resolved = resolve(value, context, info, abstractType);
      if (resolved instanceof Promise)
        throw new Error(`${union.name}.resolveType must be synchronous`);
      return typeof resolved === "string" ? resolved : typeNames.get(resolved);
    };
  }
}

/**
 * Applies every shortcut to a schema type-graphql just built (in place; returns it). A field
 * unwrapped here can still be given a resolver afterwards (AccountResolver's
 * `loadAbsentAccountFields`), and tracing (tracing/resolvers.ts) wraps what is left, on a copy.
 */
export function applySpeedShortcuts(
  schema: GraphQLSchema,
  options: ShortcutOptions = {},
): GraphQLSchema {
  const bare = bareFields(options);
  unwrapPlainFields(schema, bare);
  synchronousUnions(schema);
  return schema;
}
