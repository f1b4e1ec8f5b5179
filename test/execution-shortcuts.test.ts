/**
 * The speed shortcuts drop type-graphql's resolver wrapper, which is where middlewares and
 * `@Authorized` roles run: they must take it only from fields that have neither.
 */
import "reflect-metadata";
import { graphql, isObjectType, parse, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import {
  Authorized,
  buildSchema,
  Field,
  ObjectType,
  Query,
  Resolver,
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
}

const options: BuildSchemaOptions = {
  resolvers: [ItemResolver],
  validate: false,
  authChecker: ({ context }, roles) =>
    roles.every((role) => (context as { roles: string[] }).roles.includes(role)),
};
const QUERY = "{ item { shouted secret plain } }";

async function run(schema: GraphQLSchema, executor: "graphql-js" | "graphql-jit", roles: string[]) {
  const contextValue = { roles };
  if (executor === "graphql-js") return graphql({ schema, source: QUERY, contextValue });
  const compiled = compileQuery(schema, parse(QUERY));
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
});
