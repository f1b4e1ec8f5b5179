/** The one place that turns Belvo's snake_case bodies into the schema's objects. */
import { Account, AccountList, type AccountData } from "../types/account.type.js";
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
  CreditData,
  FundIdentification,
  FundsData,
  LoanData,
  LoanFee,
  LoanInterestRate,
  ReceivablesData,
} from "../types/account-details.type.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import { AccessMode, LinkStatus } from "../types/enums.js";
import {
  FormField,
  FormFieldValue,
  Institution,
  InstitutionFeature,
  type InstitutionDetails,
} from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { MfaChallenge, TokenGenerationData } from "../types/mfa-challenge.type.js";
import { isCalendarDate, isDateTime } from "../types/scalars.js";
import { ErrorCode, UpstreamError } from "../errors.js";
import {
  UnexpectedBody,
  isObject,
  optionalString,
  requiredObject,
  requiredString,
  type Json,
  type JsonObject,
} from "./json.js";

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

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
const EXPONENT_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

function enumValue<E extends Record<string, string>>(
  values: E,
  raw: string | null,
): E[keyof E] | null {
  if (raw === null) return null;
  const key = raw.toUpperCase();
  return key in values ? values[key as keyof E] : null;
}

/** Belvo's timestamps carry an offset; one without is taken as UTC, as Belvo's servers run. */
function dateTime(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null || isDateTime(raw)) return raw;
  if (isDateTime(`${raw}Z`)) return `${raw}Z`;
  throw new UnexpectedBody(`"${key}" is not a date-time`);
}

/** A date, or the date part of a date-time. */
function date(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  const day = raw.slice(0, 10);
  if (!isCalendarDate(day) || (raw.length > 10 && raw[10] !== "T")) {
    throw new UnexpectedBody(`"${key}" is not a date`);
  }
  return day;
}

/** An exact decimal string; exponent notation is expanded digit by digit, never through a float. */
function decimal(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null || PLAIN_DECIMAL.test(raw)) return raw;
  const match = EXPONENT_DECIMAL.exec(raw);
  if (!match) throw new UnexpectedBody(`"${key}" is not a decimal`);
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits.padEnd(point, "0");
  const at = Math.max(point, 1);
  const intPart = padded.slice(0, at).replace(/^0+(?=\d)/, "");
  const fracPart = padded.slice(at).replace(/0+$/, "");
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ""}`;
}

export function toLink(body: Json): Link {
  const object = requiredObject(body, "the link");
  const status = enumValue(LinkStatus, requiredString(object, "status"));
  if (status === null) throw new UnexpectedBody(`"status" is not a known link status`);
  return Object.assign(new Link(), {
    id: requiredString(object, "id"),
    institution: Object.assign(new Institution(), { name: requiredString(object, "institution") }),
    accessMode: enumValue(AccessMode, optionalString(object, "access_mode")),
    status,
    lastAccessedAt: dateTime(object, "last_accessed_at"),
    createdAt: dateTime(object, "created_at"),
    createdBy: optionalString(object, "created_by"),
    externalId: optionalString(object, "external_id"),
    refreshRate: optionalString(object, "refresh_rate"),
    institutionUserId: optionalString(object, "institution_user_id"),
    credentialsStorage: optionalString(object, "credentials_storage"),
    fetchResources: Array.isArray(object.fetch_resources) ? strings(object.fetch_resources) : null,
    staleIn: optionalString(object, "stale_in"),
  });
}

/** A string field, or undefined when the key is absent (so that it can be loaded). */
function present(object: JsonObject | undefined, key: string): string | null | undefined {
  return object === undefined || !(key in object) ? undefined : optionalString(object, key);
}

function presentDecimal(object: JsonObject | undefined, key: string): string | null | undefined {
  return object === undefined || !(key in object) ? undefined : decimal(object, key);
}

function optionalInt(object: JsonObject, key: string): number | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  if (!/^-?\d{1,9}$/.test(raw)) throw new UnexpectedBody(`"${key}" is not an integer`);
  return Number(raw);
}

/** A nested object: null when null; undefined when absent (so that it can be loaded). */
function presentObject<T>(
  object: JsonObject,
  key: string,
  read: (value: JsonObject) => T,
): T | null | undefined {
  if (!(key in object)) return undefined;
  const value = object[key];
  return value === null ? null : read(requiredObject(value, `"${key}"`));
}

function objectsOf<T>(
  value: Json | undefined,
  key: string,
  read: (item: JsonObject) => T,
): T[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new UnexpectedBody(`"${key}" is not a list`);
  return value.map((item) => read(requiredObject(item, `an item of "${key}"`)));
}

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

/** A date-time field, or undefined when the key is absent (so that it can be loaded). */
function presentDateTime(object: JsonObject, key: string): string | null | undefined {
  return key in object ? dateTime(object, key) : undefined;
}

/** An account, full (from /api/accounts/) or as embedded in another answer. */
export function toAccountData(body: Json | undefined): AccountData {
  const object = requiredObject(body, "an account");
  const balance = isObject(object.balance) ? object.balance : undefined;
  const institution = isObject(object.institution) ? object.institution : undefined;
  return {
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
  };
}

function toAccount(body: Json | undefined): Account {
  const data = toAccountData(body);
  return Object.assign(new Account(), { id: data.id, data });
}

/**
 * Served in place of a part of Belvo's answer that the gateway could not read: GraphQL puts the
 * error at that part's path and delivers the rest (a list Belvo may have saved is never lost).
 */
export type Unreadable = UpstreamError;

/** `read(value)`, or, when the value does not have the shape needed, an Unreadable. */
export function readable<T>(read: () => T, status: number): T | Unreadable {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UnexpectedBody)) throw error;
    return new UpstreamError(
      `Belvo's answer had an item the gateway could not read (${error.message}); the other items are delivered.`,
      ErrorCode.UpstreamError,
      { status, code: null, requestId: null },
      false,
    );
  }
}

/** Belvo's array answer, each item read on its own. */
export function itemsOf<T>(
  body: Json,
  what: string,
  status: number,
  toItem: (item: Json, status: number) => T,
): (T | Unreadable)[] {
  if (!Array.isArray(body)) throw new UnexpectedBody(`the ${what} are not a list`);
  return body.map((item) => readable(() => toItem(item, status), status));
}

/** An embedded account: null when Belvo says null (the spec allows it), Unreadable when garbled. */
function embeddedAccount(body: Json | undefined, status: number): Account | null | Unreadable {
  return body === null || body === undefined ? null : readable(() => toAccount(body), status);
}

function strings(value: Json | undefined): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

function toFormField(object: JsonObject): FormField {
  return Object.assign(new FormField(), {
    name: optionalString(object, "name"),
    type: optionalString(object, "type"),
    label: optionalString(object, "label"),
    validation: optionalString(object, "validation"),
    validationMessage: optionalString(object, "validation_message"),
    placeholder: optionalString(object, "placeholder"),
    values: objectsOf(object.values, "values", (value) =>
      Object.assign(new FormFieldValue(), {
        code: optionalString(value, "code"),
        label: optionalString(value, "label"),
        validation: optionalString(value, "validation"),
        validationMessage: optionalString(value, "validation_message"),
        placeholder: optionalString(value, "placeholder"),
      }),
    ),
  });
}

export function toInstitutionDetails(body: Json): InstitutionDetails {
  const object = requiredObject(body, "an institution");
  return {
    name: requiredString(object, "name"),
    displayName: optionalString(object, "display_name"),
    type: optionalString(object, "type"),
    website: optionalString(object, "website"),
    countryCodes: strings(object.country_codes),
    primaryColor: optionalString(object, "primary_color"),
    logo: optionalString(object, "logo"),
    iconLogo: optionalString(object, "icon_logo"),
    textLogo: optionalString(object, "text_logo"),
    status: optionalString(object, "status"),
    formFields: objectsOf(object.form_fields, "form_fields", toFormField) ?? [],
    features:
      objectsOf(object.features, "features", (feature) =>
        Object.assign(new InstitutionFeature(), {
          name: optionalString(feature, "name"),
          description: optionalString(feature, "description"),
        }),
      ) ?? [],
    resources: strings(object.resources),
    integrationType: optionalString(object, "integration_type"),
  };
}

export function toInstitution(details: InstitutionDetails): Institution {
  return Object.assign(new Institution(), { name: details.name, details });
}

function toBalance(body: Json, status: number): Balance {
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

function expirySeconds(object: JsonObject): number | null {
  const raw = optionalString(object, "expiry");
  if (raw === null || !/^\d{1,9}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

function toTokenGenerationData(body: Json | undefined): TokenGenerationData | null {
  if (body === undefined || body === null) return null;
  const object = requiredObject(body, "token_generation_data");
  // The OpenAPI file spells it `expects_user_input`, Belvo's MFA guide `expect_user_input`.
  const expects = object.expects_user_input ?? object.expect_user_input;
  return Object.assign(new TokenGenerationData(), {
    instructions: optionalString(object, "instructions"),
    type: optionalString(object, "type"),
    value: optionalString(object, "value"),
    expectsUserInput: typeof expects === "boolean" ? expects : true,
  });
}

/**
 * A 428 body, in any of the shapes Belvo has used: an object, a one-element array of it, or the
 * legacy `{"detail": "Token Required", session, expiry, link}`. Returns null when the 428 is not
 * a token request (e.g. `activation_required`).
 */
export function toChallenge(body: Json, receivedAt: Date): MfaChallenge | null {
  const entry = Array.isArray(body) && body.length === 1 ? body[0] : body;
  if (!isObject(entry)) return null;
  const code = optionalString(entry, "code");
  const legacy = code === null && /^token required$/i.test(optionalString(entry, "detail") ?? "");
  if (code !== "token_required" && !legacy) return null;
  const expiry = expirySeconds(entry);
  return Object.assign(new MfaChallenge(), {
    code: "token_required",
    message: optionalString(entry, legacy ? "detail" : "message"),
    requestId: optionalString(entry, "request_id"),
    session: requiredString(entry, "session"),
    link: requiredString(entry, "link"),
    expiry,
    expiresAt:
      expiry === null ? null : new Date(receivedAt.getTime() + expiry * 1000).toISOString(),
    tokenGenerationData: toTokenGenerationData(entry.token_generation_data),
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
