import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Account, type AccountData } from "../types/account.type.js";
import { Institution } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { DateTimeScalar, DecimalScalar } from "../types/scalars.js";
import { CreditData, FundsData, LoanData, ReceivablesData } from "../types/account-details.type.js";

/**
 * A field Belvo embedded is served as it came; one it left out is loaded, with every other
 * account of the operation, in one `GET /api/accounts/?id__in=…`.
 */
function field<K extends keyof AccountData>(
  account: Account,
  key: K,
  { loaders }: Context,
): Known<K> | Promise<Known<K>> {
  const embedded = account.data[key];
  // Synchronous when embedded: a promise per field of every balance costs the hot path.
  if (embedded !== undefined) return embedded as Known<K>;
  return loaders.account.load(account.id).then((loaded) => (loaded?.[key] ?? null) as Known<K>);
}

type Known<K extends keyof AccountData> = Exclude<AccountData[K], undefined> | null;

/** Applies `then` now when the value is already here, later when it is a promise. */
function map<T, U>(value: T | Promise<T>, then: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(then) : then(value);
}

@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver(() => String, { nullable: true })
  name(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "name", context);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "e.g. CHECKING_ACCOUNT, CREDIT_CARD.",
  })
  category(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "category", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "ISO-4217 currency code." })
  currency(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "currency", context);
  }

  @FieldResolver(() => String, { nullable: true })
  number(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "number", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "The institution's own label." })
  type(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "type", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "ASSET or LIABILITY." })
  balanceType(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "balanceType", context);
  }

  @FieldResolver(() => DecimalScalar, { nullable: true })
  currentBalance(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "currentBalance", context);
  }

  @FieldResolver(() => DecimalScalar, { nullable: true })
  availableBalance(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "availableBalance", context);
  }

  @FieldResolver(() => String, { nullable: true, description: "e.g. CLABE, AGENCY/ACCOUNT." })
  publicIdentificationName(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "publicIdentificationName", context);
  }

  @FieldResolver(() => String, { nullable: true })
  publicIdentificationValue(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "publicIdentificationValue", context);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: "When Belvo read it." })
  collectedAt(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "collectedAt", context);
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description: "When Belvo last updated it in its database.",
  })
  createdAt(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "createdAt", context);
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description: "The link's last successful access to the institution.",
  })
  lastAccessedAt(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "lastAccessedAt", context);
  }

  @FieldResolver(() => CreditData, { nullable: true, description: "Credit cards only." })
  creditData(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "creditData", context);
  }

  @FieldResolver(() => LoanData, { nullable: true, description: "Loans only." })
  loanData(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "loanData", context);
  }

  @FieldResolver(() => [FundsData], { nullable: true, description: "Pension funds only." })
  fundsData(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "fundsData", context);
  }

  @FieldResolver(() => ReceivablesData, { nullable: true, description: "Receivables only." })
  receivablesData(@Root() root: Account, @Ctx() context: Context) {
    return field(root, "receivablesData", context);
  }

  @FieldResolver(() => Institution, { nullable: true })
  institution(@Root() root: Account, @Ctx() context: Context) {
    return map(field(root, "institutionName", context), (name) =>
      name === null ? null : Object.assign(new Institution(), { name }),
    );
  }

  @FieldResolver(() => Link, {
    nullable: true,
    description: "Loaded with every other link of the operation in one call.",
  })
  link(@Root() root: Account, @Ctx() context: Context) {
    return map(field(root, "linkId", context), (id) =>
      id === null ? null : context.loaders.link.load(id),
    );
  }
}
