import { DecimalScalar } from "./scalars.js";
import { CreditData, FundsData, LoanData, ReceivablesData } from "./account-details.type.js";
import {
  dateTime,
  given,
  id,
  many,
  listType,
  objectType,
  one,
  text,
  type ObjectTypeClass,
  type Values,
} from "./fields.js";

const ACCOUNT_FIELDS = {
  id: id(),
  name: text(),
  category: text("e.g. CHECKING_ACCOUNT, CREDIT_CARD."),
  currency: text("ISO-4217 currency code."),
  number: text(),
  type: text("The institution's own label."),
  balanceType: text("ASSET or LIABILITY."),
  // Read from Belvo's `balance` object by the mapping.
  currentBalance: given<string | null>(() => DecimalScalar, { nullable: true }),
  availableBalance: given<string | null>(() => DecimalScalar, { nullable: true }),
  publicIdentificationName: text("e.g. CLABE, AGENCY/ACCOUNT."),
  publicIdentificationValue: text(),
  collectedAt: dateTime("When Belvo read it."),
  createdAt: dateTime("When Belvo last updated it in its database."),
  lastAccessedAt: dateTime("The link's last successful access to the institution."),
  creditData: one(CreditData, "Credit cards only."),
  loanData: one(LoanData, "Loans only."),
  fundsData: many(FundsData, "Pension funds only."),
  receivablesData: one(ReceivablesData, "Receivables only."),
};

/**
 * Filled by one mapping (upstream/data-mapping.ts `toAccount`). A key left undefined was absent
 * from Belvo's answer (an account embedded in a balance carries only some): AccountResolver
 * loads it, with every other account of the operation, in one `GET /api/accounts/?id__in=…`.
 */
export type Account = Partial<Values<typeof ACCOUNT_FIELDS>> & {
  id: string;
  /** Served as `institution` by AccountResolver. */
  institutionName?: string | null;
  /** Served as `link` (loaded) by AccountResolver. */
  linkId?: string | null;
};

export const Account = objectType(
  "Account",
  "A bank account, card or other product held at an institution.",
  ACCOUNT_FIELDS,
) as ObjectTypeClass<typeof ACCOUNT_FIELDS, Account>;

export const AccountList = listType("AccountList", Account, "accounts");
export type AccountList = InstanceType<typeof AccountList>;
