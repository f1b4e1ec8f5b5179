/** Belvo's accounts, balances, transactions and owners as the schema's objects. */
import { Account, AccountList } from "../types/account.type.js";
import {
  CreditData,
  FundIdentification,
  FundsData,
  LoanData,
  LoanFee,
  LoanInterestRate,
  ReceivablesData,
} from "../types/account-details.type.js";
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
import {
  isObject,
  optionalString,
  requiredObject,
  requiredString,
  type Json,
  type JsonObject,
} from "./json.js";
import {
  date,
  dateTime,
  decimal,
  enumValue,
  itemsOf,
  objectsOf,
  optionalInt,
  present,
  presentDateTime,
  presentDecimal,
  presentObject,
  readable,
  type Unreadable,
} from "./read.js";

/** Keys whose numbers are amounts (an account's, embedded or not): exact strings (see parseJson). */
export const ACCOUNT_DECIMAL_KEYS = [
  "balance",
  "current_balance",
  "current",
  "available",
  "anticipated",
  "credit_limit",
  "minimum_payment",
  "no_interest_payment",
  "interest_rate",
  "contract_amount",
  "principal",
  "outstanding_principal",
  "outstanding_balance",
  "monthly_payment",
  "value",
  "percentage",
] as const;
export const BALANCE_DECIMAL_KEYS = ACCOUNT_DECIMAL_KEYS;
export const TRANSACTION_DECIMAL_KEYS = [
  ...ACCOUNT_DECIMAL_KEYS,
  "amount",
  "bill_amount",
  "previous_bill_total",
] as const;

function toCreditData(object: JsonObject): CreditData {
  return Object.assign(new CreditData(), {
    creditLimit: decimal(object, "credit_limit"),
    cuttingDate: optionalString(object, "cutting_date"),
    nextPaymentDate: optionalString(object, "next_payment_date"),
    minimumPayment: decimal(object, "minimum_payment"),
    noInterestPayment: decimal(object, "no_interest_payment"),
    interestRate: decimal(object, "interest_rate"),
    collectedAt: dateTime(object, "collected_at"),
  });
}

function toLoanData(object: JsonObject): LoanData {
  return Object.assign(new LoanData(), {
    contractAmount: decimal(object, "contract_amount"),
    principal: decimal(object, "principal"),
    loanType: optionalString(object, "loan_type"),
    paymentDay: optionalString(object, "payment_day"),
    outstandingPrincipal: decimal(object, "outstanding_principal"),
    outstandingBalance: decimal(object, "outstanding_balance"),
    monthlyPayment: decimal(object, "monthly_payment"),
    interestRates: objectsOf(object.interest_rates, "interest_rates", (rate) =>
      Object.assign(new LoanInterestRate(), {
        name: optionalString(rate, "name"),
        type: optionalString(rate, "type"),
        value: decimal(rate, "value"),
      }),
    ),
    fees: objectsOf(object.fees, "fees", (fee) =>
      Object.assign(new LoanFee(), {
        type: optionalString(fee, "type"),
        value: decimal(fee, "value"),
      }),
    ),
    numberOfInstallmentsTotal: optionalInt(object, "number_of_installments_total"),
    numberOfInstallmentsOutstanding: optionalInt(object, "number_of_installments_outstanding"),
    contractStartDate: optionalString(object, "contract_start_date"),
    contractEndDate: optionalString(object, "contract_end_date"),
    contractNumber: optionalString(object, "contract_number"),
    collectedAt: dateTime(object, "collected_at"),
  });
}

function toFundsData(object: JsonObject): FundsData {
  return Object.assign(new FundsData(), {
    name: optionalString(object, "name"),
    type: optionalString(object, "type"),
    publicIdentifications: objectsOf(
      object.public_identifications,
      "public_identifications",
      (id) =>
        Object.assign(new FundIdentification(), {
          name: optionalString(id, "name"),
          value: optionalString(id, "value"),
        }),
    ),
    balance: decimal(object, "balance"),
    percentage: decimal(object, "percentage"),
  });
}

function toReceivablesData(object: JsonObject): ReceivablesData {
  return Object.assign(new ReceivablesData(), {
    current: decimal(object, "current"),
    available: decimal(object, "available"),
    anticipated: decimal(object, "anticipated"),
    collectedAt: dateTime(object, "collected_at"),
  });
}

/** An account, full (from /api/accounts/) or as embedded in another answer. */
export function toAccount(body: Json | undefined): Account {
  const object = requiredObject(body, "an account");
  const balance = isObject(object.balance) ? object.balance : undefined;
  const institution = isObject(object.institution) ? object.institution : undefined;
  return Object.assign(new Account(), {
    id: requiredString(object, "id"),
    name: present(object, "name"),
    category: present(object, "category"),
    currency: present(object, "currency"),
    number: present(object, "number"),
    type: present(object, "type"),
    balanceType: present(object, "balance_type"),
    currentBalance: presentDecimal(balance, "current"),
    availableBalance: presentDecimal(balance, "available"),
    publicIdentificationName: present(object, "public_identification_name"),
    publicIdentificationValue: present(object, "public_identification_value"),
    institutionName: present(institution, "name"),
    linkId: present(object, "link"),
    collectedAt: presentDateTime(object, "collected_at"),
    createdAt: presentDateTime(object, "created_at"),
    lastAccessedAt: presentDateTime(object, "last_accessed_at"),
    creditData: presentObject(object, "credit_data", toCreditData),
    loanData: presentObject(object, "loan_data", toLoanData),
    fundsData:
      "funds_data" in object ? objectsOf(object.funds_data, "funds_data", toFundsData) : undefined,
    receivablesData: presentObject(object, "receivables_data", toReceivablesData),
  });
}

/** An embedded account: null when Belvo says null (the spec allows it), Unreadable when garbled. */
function embeddedAccount(body: Json | undefined, status: number): Account | null | Unreadable {
  return body === null || body === undefined ? null : readable(() => toAccount(body), status);
}

export function toBalance(body: Json, status: number): Balance {
  const object = requiredObject(body, "a balance");
  return Object.assign(new Balance(), {
    id: requiredString(object, "id"),
    account: embeddedAccount(object.account, status),
    valueDate: date(object, "value_date"),
    balance: decimal(object, "balance"),
    currentBalance: decimal(object, "current_balance"),
    collectedAt: dateTime(object, "collected_at"),
    statement: optionalString(object, "statement"),
  });
}

export function toBalanceList(body: Json, status: number): BalanceList {
  return Object.assign(new BalanceList(), {
    balances: itemsOf(body, "balances", status, toBalance),
    saved: status === 201,
  });
}

export function toAccountList(body: Json, status: number): AccountList {
  return Object.assign(new AccountList(), {
    accounts: itemsOf(body, "accounts", status, (item) => toAccount(item)),
    saved: status === 201,
  });
}

function toMerchant(object: JsonObject): TransactionMerchant {
  return Object.assign(new TransactionMerchant(), {
    merchantName: optionalString(object, "merchant_name"),
    logo: optionalString(object, "logo"),
    website: optionalString(object, "website"),
  });
}

function toCreditCardData(object: JsonObject): TransactionCreditCardData {
  return Object.assign(new TransactionCreditCardData(), {
    billName: optionalString(object, "bill_name"),
    billStatus: optionalString(object, "bill_status"),
    billAmount: decimal(object, "bill_amount"),
    previousBillTotal: decimal(object, "previous_bill_total"),
    collectedAt: dateTime(object, "collected_at"),
  });
}

function toTransaction(body: Json, status: number): Transaction {
  const object = requiredObject(body, "a transaction");
  return Object.assign(new Transaction(), {
    id: requiredString(object, "id"),
    account: embeddedAccount(object.account, status),
    valueDate: date(object, "value_date"),
    accountingDate: dateTime(object, "accounting_date"),
    amount: decimal(object, "amount"),
    balance: decimal(object, "balance"),
    currency: optionalString(object, "currency"),
    description: optionalString(object, "description"),
    observations: optionalString(object, "observations"),
    reference: optionalString(object, "reference"),
    internalIdentification: optionalString(object, "internal_identification"),
    type: enumValue(TransactionType, optionalString(object, "type")),
    status: enumValue(TransactionStatus, optionalString(object, "status")),
    category: optionalString(object, "category"),
    subcategory: optionalString(object, "subcategory"),
    merchant: presentObject(object, "merchant", toMerchant) ?? null,
    creditCardData: presentObject(object, "credit_card_data", toCreditCardData) ?? null,
    collectedAt: dateTime(object, "collected_at"),
    createdAt: dateTime(object, "created_at"),
  });
}

export function toTransactionList(body: Json, status: number): TransactionList {
  return Object.assign(new TransactionList(), {
    transactions: itemsOf(body, "transactions", status, toTransaction),
    saved: status === 201,
  });
}

function toOwner(body: Json): Owner {
  const object = requiredObject(body, "an owner");
  return Object.assign(new Owner(), {
    id: requiredString(object, "id"),
    displayName: optionalString(object, "display_name"),
    email: optionalString(object, "email"),
    phoneNumber: optionalString(object, "phone_number"),
    address: optionalString(object, "address"),
    documentId:
      presentObject(object, "document_id", (document) =>
        Object.assign(new OwnerDocument(), {
          documentType: optionalString(document, "document_type"),
          documentNumber: optionalString(document, "document_number"),
        }),
      ) ?? null,
    internalIdentification: optionalString(object, "internal_identification"),
    collectedAt: dateTime(object, "collected_at"),
    createdAt: dateTime(object, "created_at"),
  });
}

export function toOwnerList(body: Json, status: number): OwnerList {
  return Object.assign(new OwnerList(), {
    owners: itemsOf(body, "owners", status, toOwner),
    saved: status === 201,
  });
}
