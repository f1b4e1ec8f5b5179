import type { GraphQLResolveInfo } from "graphql";
import { Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Account } from "../types/account.type.js";
import { Institution } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { linkReference } from "./link-reference.js";

type Known<K extends keyof Account> = Exclude<Account[K], undefined> | null;

/**
 * What Belvo embedded is served as it came; a property it left out (undefined) is loaded, with
 * every other account of the operation, in one `GET /api/accounts/?id__in=…`; null when Belvo
 * knows no such account.
 */
function embeddedOrLoaded<K extends keyof Account>(
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

/**
 * Every field of an account but its id: an account embedded in a balance or a transaction
 * carries only some of them (types/account.type.ts declares each field and its type).
 */
@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver()
  name(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "name", context);
  }

  @FieldResolver()
  category(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "category", context);
  }

  @FieldResolver()
  currency(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "currency", context);
  }

  @FieldResolver()
  number(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "number", context);
  }

  @FieldResolver()
  type(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "type", context);
  }

  @FieldResolver()
  balanceType(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "balanceType", context);
  }

  @FieldResolver()
  currentBalance(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "currentBalance", context);
  }

  @FieldResolver()
  availableBalance(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "availableBalance", context);
  }

  @FieldResolver()
  publicIdentificationName(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "publicIdentificationName", context);
  }

  @FieldResolver()
  publicIdentificationValue(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "publicIdentificationValue", context);
  }

  @FieldResolver()
  collectedAt(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "collectedAt", context);
  }

  @FieldResolver()
  createdAt(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "createdAt", context);
  }

  @FieldResolver()
  lastAccessedAt(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "lastAccessedAt", context);
  }

  @FieldResolver()
  creditData(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "creditData", context);
  }

  @FieldResolver()
  loanData(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "loanData", context);
  }

  @FieldResolver()
  fundsData(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "fundsData", context);
  }

  @FieldResolver()
  receivablesData(@Root() account: Account, @Ctx() context: Context) {
    return embeddedOrLoaded(account, "receivablesData", context);
  }

  @FieldResolver(() => Institution, { nullable: true })
  institution(@Root() account: Account, @Ctx() context: Context) {
    return map(embeddedOrLoaded(account, "institutionName", context), (name) =>
      name === null ? null : Object.assign(new Institution(), { name }),
    );
  }

  @FieldResolver(() => Link, {
    nullable: true,
    description:
      "The link Belvo names: its id as sent; any other field loads it, with every other link of the operation, in one call.",
  })
  link(@Root() account: Account, @Ctx() context: Context, @Info() info: GraphQLResolveInfo) {
    return map(embeddedOrLoaded(account, "linkId", context), (id) =>
      id === null ? null : linkReference(id, info, context.loaders),
    );
  }
}
