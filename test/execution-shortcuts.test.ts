/**
 * The speed shortcuts drop type-graphql's resolver wrapper, which is where middlewares and
 * `@Authorized` roles run: they must take it only from fields that have neither.
 */
import "reflect-metadata";
import { graphql, isObjectType, parse, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import {
  Arg,
  Authorized,
  buildSchema,
  Ctx,
  Field,
  FieldResolver,
  ObjectType,
  Query,
  Resolver,
  Root,
  UseMiddleware,
  type BuildSchemaOptions,
  type MiddlewareFn,
} from "type-graphql";
import { applySpeedShortcuts } from "../src/execution/shortcuts.js";

const seen: string[] = [];
const shout: MiddlewareFn = async ({ info }, next) => {
  seen.push(info.fieldName);
  return String(await next()).toUpperCase();
};
const record: MiddlewareFn = ({ info }, next) => {
  seen.push(`global ${info.fieldName}`);
  return next() as Promise<unknown>;
};

@ObjectType()
class Item {
  @Field()
  @UseMiddleware(shout)
  shouted!: string;

  @Field({ nullable: true })
  @Authorized("admin")
  secret!: string;

  @Field()
  plain!: string;
}

@Resolver(() => Item)
class ItemResolver {
  @Query(() => Item)
  item(): Item {
    return Object.assign(new Item(), { shouted: "quiet", secret: "s3", plain: "as is" });
  }

  /** A plain object, not an Item: type-graphql's wrapper converts a field resolver's root. */
  @Query(() => Item)
  rawItem(): Item {
    return { shouted: "quiet", secret: "s3", plain: "as is" };
  }

  @FieldResolver(() => String)
  direct(@Root() item: Item, @Ctx() context: { roles: string[] }): string {
    return `${item instanceof Item ? "converted" : "as given"}, ${context.roles.length} role(s)`;
  }

  @FieldResolver(() => String)
  @UseMiddleware(shout)
  guarded(@Root() item: Item, @Ctx() context: { roles: string[] }): string {
    return `${item.plain}, ${context.roles.length} role(s)`;
  }

  @FieldResolver(() => String, { nullable: true })
  @Authorized("admin")
  forAdmins(@Root() item: Item, @Ctx() context: { roles: string[] }): string {
    return `${item.secret}, ${context.roles.length} role(s)`;
  }

  @FieldResolver(() => String)
  withArg(@Root() item: Item, @Arg("suffix", () => String) suffix: string): string {
    return `${item.plain}${suffix}`;
  }
}

const options: BuildSchemaOptions = {
  resolvers: [ItemResolver],
  validate: false,
  authChecker: ({ context }, roles) =>
    roles.every((role) => (context as { roles: string[] }).roles.includes(role)),
};
const QUERY = "{ item { shouted secret plain } }";

async function run(
  schema: GraphQLSchema,
  executor: "graphql-js" | "graphql-jit",
  roles: string[],
  source = QUERY,
) {
  const contextValue = { roles };
  if (executor === "graphql-js") return graphql({ schema, source, contextValue });
  const compiled = compileQuery(schema, parse(source));
  if (!isCompiledQuery(compiled)) throw new Error("graphql-jit did not compile the query");
  return compiled.query(undefined, contextValue, {});
}

function resolverOf(schema: GraphQLSchema, field: string) {
  const item = schema.getType("Item");
  if (!isObjectType(item)) throw new Error("no Item type");
  return item.getFields()[field]?.resolve;
}

beforeEach(() => {
  seen.length = 0;
});

describe.each(["graphql-js", "graphql-jit"] as const)("on %s", (executor) => {
  it("unwraps the plain field and keeps the middleware's and the role's wrappers", async () => {
    const schema = applySpeedShortcuts(await buildSchema(options), options);
    expect(resolverOf(schema, "plain")).toBeUndefined();
    expect(resolverOf(schema, "shouted")).toBeInstanceOf(Function);
    expect(resolverOf(schema, "secret")).toBeInstanceOf(Function);

    const denied = await run(schema, executor, []);
    expect(denied.data).toEqual({ item: { shouted: "QUIET", secret: null, plain: "as is" } });
    expect(denied.errors?.map((error) => [error.message, error.path])).toEqual([
      [expect.stringMatching(/access denied/i), ["item", "secret"]],
    ]);
    const allowed = await run(schema, executor, ["admin"]);
    expect(allowed).toEqual({ data: { item: { shouted: "QUIET", secret: "s3", plain: "as is" } } });
    expect(seen).toEqual(["shouted", "shouted"]);
  });

  it("unwraps nothing when a global middleware runs on every field", async () => {
    const global = { ...options, globalMiddlewares: [record] };
    const schema = applySpeedShortcuts(await buildSchema(global), global);
    expect(resolverOf(schema, "plain")).toBeInstanceOf(Function);

    const result = await run(schema, executor, ["admin"]);
    expect(result).toEqual({ data: { item: { shouted: "QUIET", secret: "s3", plain: "as is" } } });
    expect([...seen].sort()).toEqual(
      ["global item", "global shouted", "global secret", "global plain", "shouted"].sort(),
    );
  });

  it("calls a field resolver taking only its root and context directly; one with a middleware, roles or an argument keeps its wrapper", async () => {
    const source = '{ rawItem { direct guarded forAdmins withArg(suffix: "!") } }';
    const schema = applySpeedShortcuts(await buildSchema(options), options);
    const allowed = await run(schema, executor, ["admin"], source);
    expect(allowed).toEqual({
      data: {
        rawItem: {
          direct: "as given, 1 role(s)",
          guarded: "AS IS, 1 ROLE(S)",
          forAdmins: "s3, 1 role(s)",
          withArg: "as is!",
        },
      },
    });
    expect(seen).toEqual(["guarded"]);
    const denied = await run(schema, executor, [], source);
    expect(denied.data).toEqual({
      rawItem: {
        direct: "as given, 0 role(s)",
        guarded: "AS IS, 0 ROLE(S)",
        forAdmins: null,
        withArg: "as is!",
      },
    });
    expect(denied.errors?.map((error) => [error.message, error.path])).toEqual([
      [expect.stringMatching(/access denied/i), ["rawItem", "forAdmins"]],
    ]);
  });

  it("calls no field resolver directly when a global middleware runs on every field", async () => {
    const global = { ...options, globalMiddlewares: [record] };
    const schema = applySpeedShortcuts(await buildSchema(global), global);
    const result = await run(schema, executor, ["admin"], "{ rawItem { direct } }");
    expect(result).toEqual({ data: { rawItem: { direct: "converted, 1 role(s)" } } });
    expect([...seen].sort()).toEqual(["global direct", "global rawItem"]);
  });
});
