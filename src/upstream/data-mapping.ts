/**
 * Belvo's accounts, balances, transactions and owners as the schema's objects: each class of
 * src/types/ read through its table of readers (read.ts), Belvo's key beside each property.
 */
import {
  CreditData,
  FundIdentification,
  FundsData,
  LoanData,
  LoanFee,
  LoanInterestRate,
  ReceivablesData,
} from "../types/account-details.type.js";
import { Account, AccountList } from "../types/account.type.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import { Owner, OwnerDocument, OwnerList } from "../types/owner.type.js";
import {
  Transaction,
  TransactionCreditCardData,
  TransactionList,
  TransactionMerchant,
  TransactionStatus,
  TransactionType,
} from "../types/transaction.type.js";
import { isObject, requiredObject, type Json, type JsonObject } from "./json.js";
import {
  choice,
  date,
  dateTime,
  decimal,
  decimalKeysOf,
  digits,
  id,
  int,
  itemsOf,
  many,
  manyNullable,
  one,
  present,
  presentDecimal,
  readObject,
  readable,
  reader,
  text,
  type Readers,
  type Unreadable,
} from "./read.js";

const CREDIT_DATA_READERS = {
  creditLimit: decimal("credit_limit"),
  cuttingDate: text("cutting_date"),
  nextPaymentDate: text("next_payment_date"),
  minimumPayment: decimal("minimum_payment"),
  noInterestPayment: decimal("no_interest_payment"),
  interestRate: decimal("interest_rate"),
  collectedAt: dateTime("collected_at"),
} satisfies Readers<CreditData>;

const LOAN_INTEREST_RATE_READERS = {
  name: text("name"),
  type: text("type"),
  value: decimal("value"),
} satisfies Readers<LoanInterestRate>;

const LOAN_FEE_READERS = {
  type: text("type"),
  value: decimal("value"),
} satisfies Readers<LoanFee>;

const LOAN_DATA_READERS = {
  contractAmount: decimal("contract_amount"),
  contractStartDate: text("contract_start_date"),
  contractEndDate: text("contract_end_date"),
  contractNumber: text("contract_number"),
  principal: decimal("principal"),
  loanType: text("loan_type"),
  paymentDay: text("payment_day"),
  outstandingPrincipal: decimal("outstanding_principal"),
  interestRates: many("interest_rates", LoanInterestRate, LOAN_INTEREST_RATE_READERS),
  outstandingBalance: decimal("outstanding_balance"),
  fees: manyNullable("fees", LoanFee, LOAN_FEE_READERS),
  monthlyPayment: decimal("monthly_payment"),
  numberOfInstallmentsTotal: int("number_of_installments_total"),
  numberOfInstallmentsOutstanding: int("number_of_installments_outstanding"),
  collectedAt: dateTime("collected_at"),
} satisfies Readers<LoanData>;

const FUND_IDENTIFICATION_READERS = {
  name: text("name"),
  value: text("value"),
} satisfies Readers<FundIdentification>;

const FUNDS_DATA_READERS = {
  name: text("name"),
  type: text("type"),
  publicIdentifications: many(
    "public_identifications",
    FundIdentification,
    FUND_IDENTIFICATION_READERS,
  ),
  balance: decimal("balance"),
  percentage: decimal("percentage"),
} satisfies Readers<FundsData>;

const RECEIVABLES_DATA_READERS = {
  current: decimal("current"),
  available: decimal("available"),
  anticipated: decimal("anticipated"),
  collectedAt: dateTime("collected_at"),
} satisfies Readers<ReceivablesData>;

/** Belvo's `balance` object of an account, when it sent one. */
const balanceOf = (object: JsonObject) => (isObject(object.balance) ? object.balance : undefined);

/**
 * An account is always read partially (`toAccount`): a property whose key Belvo left out stays
 * undefined, for AccountResolver to load. The first four are read from inside Belvo's object.
 */
const ACCOUNT_READERS = {
  currentBalance: reader("balance", (object) => presentDecimal(balanceOf(object), "current"), [
    "current",
  ]),
  availableBalance: reader("balance", (object) => presentDecimal(balanceOf(object), "available"), [
    "available",
  ]),
  institutionName: reader("institution", (object) =>
    present(isObject(object.institution) ? object.institution : undefined, "name"),
  ),
  linkId: text("link"),
  id: id(),
  name: text("name"),
  category: text("category"),
  currency: text("currency"),
  number: text("number"),
  type: text("type"),
  balanceType: text("balance_type"),
  publicIdentificationName: text("public_identification_name"),
  publicIdentificationValue: text("public_identification_value"),
  collectedAt: dateTime("collected_at"),
  createdAt: dateTime("created_at"),
  lastAccessedAt: dateTime("last_accessed_at"),
  creditData: one("credit_data", CreditData, CREDIT_DATA_READERS),
  loanData: one("loan_data", LoanData, LOAN_DATA_READERS),
  fundsData: many("funds_data", FundsData, FUNDS_DATA_READERS),
  receivablesData: one("receivables_data", ReceivablesData, RECEIVABLES_DATA_READERS),
} satisfies Readers<Account>;

/** Keys whose numbers are amounts (parseJson keeps them exact strings), read from the readers. */
export const ACCOUNT_DECIMAL_KEYS = decimalKeysOf(ACCOUNT_READERS);

/** An account, full (from /api/accounts/) or as embedded in another answer. */
export function toAccount(body: Json | undefined, status = 200): Account {
  const object = requiredObject(body, "an account");
  return readObject(Account, ACCOUNT_READERS, object, { partial: true, status });
}

/** An embedded account: null when Belvo says null (the spec allows it), Unreadable when garbled. */
const embeddedAccount = (key: string) =>
  reader(
    key,
    (object, status): Account | null | Unreadable => {
      const body = object[key];
      return body === null || body === undefined
        ? null
        : readable(() => toAccount(body, status), status);
    },
    ACCOUNT_DECIMAL_KEYS,
  );

const BALANCE_READERS = {
  id: id(),
  account: embeddedAccount("account"),
  valueDate: date("value_date"),
  balance: decimal("balance"),
  currentBalance: decimal("current_balance"),
  collectedAt: dateTime("collected_at"),
  statement: text("statement"),
} satisfies Readers<Balance>;

export const BALANCE_DECIMAL_KEYS = decimalKeysOf(BALANCE_READERS);

export function toBalance(body: Json, status: number): Balance {
  return readObject(Balance, BALANCE_READERS, requiredObject(body, "a balance"), { status });
}

const TRANSACTION_MERCHANT_READERS = {
  merchantName: text("merchant_name"),
  logo: text("logo"),
  website: text("website"),
} satisfies Readers<TransactionMerchant>;

const TRANSACTION_CREDIT_CARD_DATA_READERS = {
  billName: text("bill_name"),
  billStatus: text("bill_status"),
  billAmount: decimal("bill_amount"),
  // A string in Belvo's spec; quoted so that one sent as a number keeps its digits.
  previousBillTotal: digits("previous_bill_total"),
  collectedAt: dateTime("collected_at"),
} satisfies Readers<TransactionCreditCardData>;

const TRANSACTION_READERS = {
  id: id(),
  account: embeddedAccount("account"),
  valueDate: date("value_date"),
  accountingDate: dateTime("accounting_date"),
  amount: decimal("amount"),
  balance: decimal("balance"),
  currency: text("currency"),
  type: choice("type", TransactionType),
  description: text("description"),
  status: choice("status", TransactionStatus),
  observations: text("observations"),
  category: text("category"),
  reference: text("reference"),
  merchant: one("merchant", TransactionMerchant, TRANSACTION_MERCHANT_READERS),
  internalIdentification: text("internal_identification"),
  creditCardData: one(
    "credit_card_data",
    TransactionCreditCardData,
    TRANSACTION_CREDIT_CARD_DATA_READERS,
  ),
  subcategory: text("subcategory"),
  collectedAt: dateTime("collected_at"),
  createdAt: dateTime("created_at"),
} satisfies Readers<Transaction>;

export const TRANSACTION_DECIMAL_KEYS = decimalKeysOf(TRANSACTION_READERS);

export function toTransaction(body: Json, status = 200): Transaction {
  const object = requiredObject(body, "a transaction");
  return readObject(Transaction, TRANSACTION_READERS, object, { status });
}

const OWNER_DOCUMENT_READERS = {
  documentType: text("document_type"),
  documentNumber: text("document_number"),
} satisfies Readers<OwnerDocument>;

const OWNER_READERS = {
  id: id(),
  displayName: text("display_name"),
  email: text("email"),
  phoneNumber: text("phone_number"),
  address: text("address"),
  documentId: one("document_id", OwnerDocument, OWNER_DOCUMENT_READERS),
  internalIdentification: text("internal_identification"),
  collectedAt: dateTime("collected_at"),
  createdAt: dateTime("created_at"),
  linkId: text("link"),
} satisfies Readers<Owner>;

export const OWNER_DECIMAL_KEYS = decimalKeysOf(OWNER_READERS);

export function toOwner(body: Json, status = 200): Owner {
  return readObject(Owner, OWNER_READERS, requiredObject(body, "an owner"), { status });
}

/**
 * The items of a data resource's POST/PATCH answer: Belvo's spec says a bare array, but its own
 * examples (POST /api/balances/) show the paginated envelope `{count, next, previous, results}`;
 * both are read, so a list Belvo may have saved is never lost to its shape.
 */
function itemsIn(body: Json): Json {
  return isObject(body) && Array.isArray(body.results) ? body.results : body;
}

// A list answer: its items read one by one; `saved` when Belvo answered 201 (it stored them).

export function toBalanceList(body: Json, status: number): BalanceList {
  return Object.assign(new BalanceList(), {
    balances: itemsOf(itemsIn(body), "balances", status, toBalance),
    saved: status === 201,
  } satisfies BalanceList);
}

export function toAccountList(body: Json, status: number): AccountList {
  return Object.assign(new AccountList(), {
    accounts: itemsOf(itemsIn(body), "accounts", status, toAccount),
    saved: status === 201,
  } satisfies AccountList);
}

export function toTransactionList(body: Json, status: number): TransactionList {
  return Object.assign(new TransactionList(), {
    transactions: itemsOf(itemsIn(body), "transactions", status, toTransaction),
    saved: status === 201,
  } satisfies TransactionList);
}

export function toOwnerList(body: Json, status: number): OwnerList {
  return Object.assign(new OwnerList(), {
    owners: itemsOf(itemsIn(body), "owners", status, toOwner),
    saved: status === 201,
  } satisfies OwnerList);
}
