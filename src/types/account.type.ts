import { Field, ID, ObjectType } from "type-graphql";
import { CreditData, FundsData, LoanData, ReceivablesData } from "./account-details.type.js";
import { DateTimeScalar, DecimalScalar } from "./scalars.js";

/**
 * Read by upstream/data-mapping.ts (`ACCOUNT_READERS`). A property left undefined was absent
 * from Belvo's answer (an account embedded in a balance carries only some): AccountResolver
 * serves each field, and loads one left undefined, with every other account of the operation,
 * in one `GET /api/accounts/?id__in=…`.
 */
@ObjectType({ description: "A bank account, card or other product held at an institution." })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "e.g. CHECKING_ACCOUNT, CREDIT_CARD." })
  category?: string | null;

  @Field(() => String, { nullable: true, description: "ISO-4217 currency code." })
  currency?: string | null;

  @Field(() => String, { nullable: true })
  number?: string | null;

  @Field(() => String, { nullable: true, description: "The institution's own label." })
  type?: string | null;

  @Field(() => String, { nullable: true, description: "ASSET or LIABILITY." })
  balanceType?: string | null;

  /** Belvo's `balance.current`. */
  @Field(() => DecimalScalar, { nullable: true })
  currentBalance?: string | null;

  /** Belvo's `balance.available`. */
  @Field(() => DecimalScalar, { nullable: true })
  availableBalance?: string | null;

  @Field(() => String, { nullable: true, description: "e.g. CLABE, AGENCY/ACCOUNT." })
  publicIdentificationName?: string | null;

  @Field(() => String, { nullable: true })
  publicIdentificationValue?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When Belvo read it." })
  collectedAt?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When Belvo last updated it in its database.",
  })
  createdAt?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "The link's last successful access to the institution.",
  })
  lastAccessedAt?: string | null;

  @Field(() => CreditData, { nullable: true, description: "Credit cards only." })
  creditData?: CreditData | null;

  @Field(() => LoanData, { nullable: true, description: "Loans only." })
  loanData?: LoanData | null;

  @Field(() => [FundsData], { nullable: true, description: "Pension funds only." })
  fundsData?: FundsData[] | null;

  @Field(() => ReceivablesData, { nullable: true, description: "Receivables only." })
  receivablesData?: ReceivablesData | null;

  /** Belvo's `institution.name`: served as `institution` by AccountResolver. */
  institutionName?: string | null;

  /** Belvo's `link`: served as `link` (loaded) by AccountResolver. */
  linkId?: string | null;
}

@ObjectType({ description: "The accounts Belvo retrieved." })
export class AccountList {
  /** An account that cannot be read is an error at its path; the rest is served. */
  @Field(() => [Account], { nullable: "items" })
  accounts!: (Account | Error)[];

  @Field(() => Boolean, { description: "True when Belvo stored them (it answered 201)." })
  saved!: boolean;
}
