/**
 * Every shortcut the schema takes for speed, applied in one place (`applySpeedShortcuts`, called
 * by the schema builder). Each replaces a resolver type-graphql built; type-graphql's resolver is
 * where middlewares (`@UseMiddleware`, global ones) and `@Authorized` roles run, so a shortcut
 * is taken only on a field that has none (`shortcutsOf`): a field that gains one keeps its
 * wrapper, and with it the middleware. test/execution-shortcuts.test.ts proves it.
 *
 * Unions need no shortcut: types/results.type.ts gives them no `resolveType`, so type-graphql's
 * own, synchronous, answers (graphql-jit needs a type name, not a promise).
 */
import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { getMetadataStorage, type BuildSchemaOptions } from "type-graphql";

/** The options given to type-graphql's buildSchema: its `globalMiddlewares` run on every field. */
export type ShortcutOptions = Pick<BuildSchemaOptions, "globalMiddlewares">;

type Metadata = ReturnType<typeof getMetadataStorage>;
type FieldResolverMetadata = Metadata["fieldResolvers"][number];

/** What the shortcuts need to know of each field, read from type-graphql's metadata. */
interface Shortcuts {
  /** `Type.field` of every property field type-graphql runs nothing around. */
  plain: ReadonlySet<string>;
  /** `Type.field` of every field resolver that can be called directly, with that call. */
  direct: ReadonlyMap<string, GraphQLFieldResolver<unknown, unknown>>;
}

/**
 * Read from type-graphql's metadata after buildSchema, the one place this file reads it. A
 * property field is plain when it has no middleware, no roles and no `@FieldResolver`; a field
 * resolver can be called directly when it has no middleware and no roles (it keeps its own
 * lists) and takes only the root and the context (`directCall`). With a global middleware,
 * nothing is either. A field not found in the metadata (e.g. inherited) is neither.
 */
function shortcutsOf({ globalMiddlewares = [] }: ShortcutOptions): Shortcuts {
  const plain = new Set<string>();
  const direct = new Map<string, GraphQLFieldResolver<unknown, unknown>>();
  if (globalMiddlewares.length > 0) return { plain, direct };
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(
    storage.objectTypes.map((type) => [type.target, type.name]),
  );
  const resolved = new Set<string>();
  for (const resolver of storage.fieldResolvers) {
    const key = `${typeNames.get(resolver.getObjectType?.()) ?? ""}.${resolver.schemaName}`;
    resolved.add(key);
    const call = resolver.middlewares?.length || resolver.roles ? undefined : directCall(resolver);
    if (call) direct.set(key, call);
  }
  for (const type of storage.objectTypes) {
    for (const field of type.fields ?? []) {
      const key = `${type.name}.${field.schemaName}`;
      if (field.middlewares?.length === 0 && !field.roles && !resolved.has(key)) plain.add(key);
    }
  }
  return { plain, direct };
}

/**
 * A `@FieldResolver` method of a resolver class (not of the object type itself) whose only
 * parameters are `@Root()` and `@Ctx()`, whole: called on one instance of its class, as
 * type-graphql's default container does (our resolver classes hold no state). Anything else
 * (an argument, `@Info`, a property of the root or context) is left to type-graphql.
 */
function directCall(
  resolver: FieldResolverMetadata,
): GraphQLFieldResolver<unknown, unknown> | undefined {
  if (resolver.kind !== "external") return undefined;
  const params = [...(resolver.params ?? [])].sort((a, b) => a.index - b.index);
  const whole = (kind: string) =>
    params.some(
      (param) =>
        param.kind === kind &&
        (param.kind === "root" || param.kind === "context") &&
        param.propertyName === undefined,
    );
  if (params.length !== 2 || !whole("root") || !whole("context")) return undefined;
  const instance = new (resolver.target as new () => Record<string, unknown>)();
  const method = instance[resolver.methodName] as (first: unknown, second: unknown) => unknown;
  return params[0]!.kind === "root"
    ? (root, _args, context) => method.call(instance, root, context)
    : (root, _args, context) => method.call(instance, context, root);
}

/**
 * type-graphql wraps even a plain property field in a resolver that runs its middleware chain;
 * on a list of balances that is most of execution. A plain field reads `root[name]`, exactly
 * what graphql's default resolver does, so it gets that.
 * Must not break: a field with a middleware, roles or a field resolver keeps type-graphql's.
 */
function unwrapPlainFields(schema: GraphQLSchema, { plain }: Shortcuts): void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (plain.has(`${type.name}.${field.name}`)) field.resolve = undefined;
    }
  }
}

/**
 * type-graphql's wrapper around a `@FieldResolver` looks its class's instance up in its
 * container, sorts the method's parameters and converts the root to the class, on every call;
 * an account embedded in each of 1,000 balances calls one field resolver per field asked
 * (types are served as Belvo embedded them or loaded: resolvers/account.resolver.ts), and that
 * wrapper was most of their execution. A field resolver `directCall` can take is called directly.
 * Must not break: a field resolver with a middleware, roles or other parameters keeps the wrapper.
 */
function callFieldResolversDirectly(schema: GraphQLSchema, { direct }: Shortcuts): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const call = direct.get(`${type.name}.${field.name}`);
      if (call) field.resolve = call;
    }
  }
}

/**
 * Applies every shortcut to a schema type-graphql just built (in place; returns it). Tracing
 * (tracing/resolvers.ts) wraps what is left, on a copy.
 */
export function applySpeedShortcuts(
  schema: GraphQLSchema,
  options: ShortcutOptions = {},
): GraphQLSchema {
  const shortcuts = shortcutsOf(options);
  unwrapPlainFields(schema, shortcuts);
  callFieldResolversDirectly(schema, shortcuts);
  return schema;
}
