import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from "graphql";
import { isObjectType } from "graphql";
import { Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Account } from "../types/account.type.js";
import { Institution } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { linkReference } from "./link-reference.js";

type Known<K extends keyof Account> = Exclude<Account[K], undefined> | null;

/**
 * A field Belvo embedded is served as it came; one it left out is loaded, with every other
 * account of the operation, in one `GET /api/accounts/?id__in=…`.
 */
function read<K extends keyof Account>(
  account: Account,
  key: K,
  { loaders }: Context,
): Known<K> | Promise<Known<K>> {
  const embedded = account[key];
  // Synchronous when embedded: a promise per field of every balance costs the hot path.
  if (embedded !== undefined) return embedded as Known<K>;
  return loaders.account.load(account.id).then((loaded) => (loaded?.[key] ?? null) as Known<K>);
}

/** Applies `then` now when the value is already here, later when it is a promise. */
function map<T, U>(value: T | Promise<T>, then: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(then) : then(value);
}

@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver(() => Institution, { nullable: true })
  institution(@Root() root: Account, @Ctx() context: Context) {
    return map(read(root, "institutionName", context), (name) =>
      name === null ? null : Object.assign(new Institution(), { name }),
    );
  }

  @FieldResolver(() => Link, {
    nullable: true,
    description:
      "The link Belvo names: its id as sent; any other field loads it, with every other link of the operation, in one call.",
  })
  link(@Root() root: Account, @Ctx() context: Context, @Info() info: GraphQLResolveInfo) {
    return map(read(root, "linkId", context), (id) =>
      id === null ? null : linkReference(id, info, context.loaders),
    );
  }
}

/**
 * Every Account property field (all but `id` and the field resolvers above) is read through
 * `read`: embedded, or loaded when Belvo left it out. Applied by the schema builder after the
 * speed shortcuts; whatever resolver they left (type-graphql's, with its middlewares) runs on the
 * account that has the field.
 */
export function loadAbsentAccountFields(schema: GraphQLSchema): GraphQLSchema {
  const type = schema.getType("Account");
  if (!isObjectType(type)) return schema;
  for (const field of Object.values(type.getFields())) {
    if (field.name === "id" || Object.hasOwn(AccountResolver.prototype, field.name)) continue;
    const key = field.name as keyof Account;
    const resolve = field.resolve as GraphQLFieldResolver<Account, Context> | undefined;
    field.resolve = (root: Account, args, context: Context, info) => {
      if (!resolve) return read(root, key, context);
      if (root[key] !== undefined) return resolve(root, args, context, info);
      return context.loaders.account
        .load(root.id)
        .then((loaded) =>
          loaded?.[key] === undefined || loaded[key] === null
            ? null
            : resolve(loaded, args, context, info),
        );
    };
  }
  return schema;
}
