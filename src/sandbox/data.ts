/** Deterministic, realistic accounts and balances: the same link id always yields the same data. */
import { fractionFrom, uuidFrom } from "./ids.js";
import type { SandboxInstitution } from "./institutions.js";

export interface SandboxLink {
  id: string;
  institution: string;
  access_mode: "single" | "recurrent";
  last_accessed_at: string;
  created_at: string;
  external_id: string | null;
  institution_user_id: string;
  status: "valid" | "invalid" | "unconfirmed" | "token_required";
  created_by: string;
  refresh_rate: string | null;
  credentials_storage: string;
  fetch_resources: string[];
  stale_in: string | null;
}

export type SandboxAccount = ReturnType<typeof accountsFor>[number];
export type SandboxBalance = ReturnType<typeof balancesFor>[number];

const PRODUCTS = [
  {
    category: "CHECKING_ACCOUNT",
    balance_type: "ASSET",
    type: "Cuentas de efectivo",
    name: "Cuenta Corriente",
    scale: 40_000,
  },
  {
    category: "SAVINGS_ACCOUNT",
    balance_type: "ASSET",
    type: "Cuentas de ahorro",
    name: "Cuenta de Ahorro",
    scale: 150_000,
  },
  {
    category: "CREDIT_CARD",
    balance_type: "LIABILITY",
    type: "Tarjeta de crédito",
    name: "Tarjeta Oro",
    scale: 25_000,
  },
  {
    category: "LOAN_ACCOUNT",
    balance_type: "LIABILITY",
    type: "Préstamos",
    name: "Crédito Personal",
    scale: 200_000,
  },
  {
    category: "INVESTMENT_ACCOUNT",
    balance_type: "ASSET",
    type: "Inversiones",
    name: "Fondo de Inversión",
    scale: 500_000,
  },
] as const;

const IDENTIFICATION: Record<string, string> = {
  MXN: "CLABE",
  COP: "ACCOUNT_NUMBER",
  BRL: "AGENCY/ACCOUNT",
};
/** Peso amounts in Colombia run about 200 times those in Mexico. */
const CURRENCY_SCALE: Record<string, number> = { MXN: 1, COP: 200, BRL: 0.3 };

/** An amount with two decimals, as Belvo sends it (a JSON number). */
function amount(seed: string, scale: number): number {
  return Math.round(fractionFrom(seed) * scale * 100) / 100;
}

function digits(seed: string, count: number): string {
  let out = "";
  for (let i = 0; out.length < count; i++)
    out += Math.floor(fractionFrom(`${seed}:${i}`) * 1e9)
      .toString()
      .padStart(9, "0");
  return out.slice(0, count);
}

/** Three to five accounts for a link, in a fixed order. */
export function accountsFor(link: SandboxLink, institution: SandboxInstitution) {
  const count = 3 + Math.floor(fractionFrom(`${link.id}:account-count`) * 3);
  const scale = CURRENCY_SCALE[institution.currency] ?? 1;
  return PRODUCTS.slice(0, count).map((product, index) => {
    const id = uuidFrom(`${link.id}:account:${index}`);
    const current = amount(`${id}:current`, product.scale * scale);
    const number = digits(`${id}:number`, 18);
    return {
      id,
      link: link.id,
      institution: { name: institution.name, type: institution.type },
      collected_at: link.last_accessed_at,
      created_at: link.created_at,
      category: product.category,
      balance_type: product.balance_type,
      type: product.type,
      name: product.name,
      number: number.slice(-10),
      currency: institution.currency,
      balance: {
        current,
        available:
          product.balance_type === "ASSET"
            ? current
            : amount(`${id}:available`, product.scale * scale),
      },
      public_identification_name: IDENTIFICATION[institution.currency] ?? "ACCOUNT_NUMBER",
      public_identification_value: number,
    };
  });
}

/** The days a retrieval covers (inclusive) and when it was read. */
export interface Retrieval {
  dateFrom: string;
  dateTo: string;
  collectedAt: string;
}

/** What `make` gives for each account on each day of the retrieval, in that order. */
function eachAccountDay<T>(
  accounts: readonly SandboxAccount[],
  { dateFrom, dateTo }: Retrieval,
  make: (account: SandboxAccount, valueDate: string) => T[],
): T[] {
  return accounts.flatMap((account) =>
    daysBetween(dateFrom, dateTo).flatMap((valueDate) => make(account, valueDate)),
  );
}

/** One balance per account per day. */
export function balancesFor(accounts: readonly SandboxAccount[], retrieval: Retrieval) {
  return eachAccountDay(accounts, retrieval, (account, valueDate) => {
    const drift = 0.9 + fractionFrom(`${account.id}:${valueDate}`) * 0.2;
    const balance = Math.round(account.balance.current * drift * 100) / 100;
    const item = {
      id: uuidFrom(`${account.id}:balance:${valueDate}`),
      account,
      value_date: valueDate,
      balance,
      current_balance: balance,
      statement: null,
      collected_at: retrieval.collectedAt,
    };
    return [item];
  });
}

export type SandboxTransaction = ReturnType<typeof transactionsFor>[number];
export type SandboxOwner = ReturnType<typeof ownersFor>[number];

const MERCHANTS = [
  { description: "OXXO SUCURSAL 1234", category: "Food & Groceries", subcategory: "Groceries" },
  { description: "UBER *TRIP", category: "Transport & Travel", subcategory: "Taxis & Rideshares" },
  {
    description: "NETFLIX.COM",
    category: "Online Platforms & Leisure",
    subcategory: "Movie & Audio",
  },
  {
    description: "CFE SUMINISTRO",
    category: "Bills & Utilities",
    subcategory: "Electricity & Energy",
  },
  { description: "NOMINA EMPRESA SA", category: "Income & Payments", subcategory: "Salary" },
  { description: "TRANSFERENCIA SPEI", category: "Transfers", subcategory: null },
] as const;

function daysBetween(dateFrom: string, dateTo: string): string[] {
  const days: string[] = [];
  for (
    let day = new Date(`${dateFrom}T00:00:00Z`);
    day <= new Date(`${dateTo}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}

/** Zero to two transactions per account per day, always the same. */
export function transactionsFor(accounts: readonly SandboxAccount[], retrieval: Retrieval) {
  const collectedAt = retrieval.collectedAt;
  return eachAccountDay(accounts, retrieval, (account, valueDate) => {
    const count = Math.floor(fractionFrom(`${account.id}:${valueDate}:count`) * 3);
    return Array.from({ length: count }, (_, index) => {
      const seed = `${account.id}:${valueDate}:${index}`;
      const merchant = MERCHANTS[Math.floor(fractionFrom(`${seed}:merchant`) * MERCHANTS.length)]!;
      const inflow = merchant.category === "Income & Payments";
      const isCard = account.category === "CREDIT_CARD";
      return {
        id: uuidFrom(`${seed}:transaction`),
        account,
        collected_at: collectedAt,
        created_at: collectedAt,
        value_date: valueDate,
        accounting_date: `${valueDate}T12:00:00Z`,
        amount: Math.max(0.01, amount(`${seed}:amount`, inflow ? 20_000 : 2_000)),
        balance: amount(`${seed}:balance`, account.balance.current + 1),
        currency: account.currency,
        description: merchant.description,
        observations: null,
        reference: digits(`${seed}:reference`, 8),
        internal_identification: digits(`${seed}:internal`, 12),
        type: inflow ? "INFLOW" : "OUTFLOW",
        status: "PROCESSED",
        category: merchant.category,
        subcategory: merchant.subcategory,
        merchant: null,
        credit_card_data: isCard
          ? {
              collected_at: collectedAt,
              bill_name: `${valueDate.slice(0, 7)}`,
              bill_status: "OPEN",
              bill_amount: amount(`${account.id}:${valueDate.slice(0, 7)}:bill`, 20_000),
              previous_bill_total: amount(`${account.id}:previous-bill`, 20_000).toFixed(2),
            }
          : null,
      };
    });
  });
}

const NAMES = ["Ana López Ruiz", "Carlos Pérez Gómez", "María Silva Santos", "Juan Torres Díaz"];

/** The one owner of a link's accounts. */
export function ownersFor(link: SandboxLink, collectedAt: string) {
  const name = NAMES[Math.floor(fractionFrom(`${link.id}:owner`) * NAMES.length)]!;
  const handle = name.split(" ")[0]!.toLowerCase();
  return [
    {
      id: uuidFrom(`${link.id}:owner`),
      link: link.id,
      collected_at: collectedAt,
      created_at: collectedAt,
      internal_identification: digits(`${link.id}:owner-id`, 10),
      display_name: name,
      email: `${handle}@example.com`,
      phone_number: `+52-55-${digits(`${link.id}:phone`, 4)}-${digits(`${link.id}:phone2`, 4)}`,
      address: `Calle ${1 + Math.floor(fractionFrom(`${link.id}:street`) * 200)}, Ciudad de México`,
      document_id: {
        document_type: "CURP",
        document_number: `CURP${digits(`${link.id}:curp`, 14)}`,
      },
    },
  ];
}
