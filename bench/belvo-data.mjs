// What the bench's in-memory Belvo answers (bench/upstream.mjs), as the strings it sends; also
// read by bench/large-answer.mjs.
export const LINK_ID = "683005d6-f45c-4adb-b289-f1a12f50f80c";
const ACCOUNTS = [0, 1, 2].map((i) => ({
  id: `0d3f5a7c-9e1b-4d2f-8a6c-4e0b2d4f6a8${i}`,
  link: LINK_ID,
  institution: { name: "erebor_mx_retail", type: "bank" },
  category: ["CHECKING_ACCOUNT", "SAVINGS_ACCOUNT", "CREDIT_CARD"][i],
  balance_type: i === 2 ? "LIABILITY" : "ASSET",
  type: "Cuentas de efectivo",
  name: `Cuenta ${i}`,
  number: `40570681151${i}`,
  currency: "MXN",
  balance: { current: 5874.13 + i, available: 5621.12 + i },
}));

export const LINK = JSON.stringify({
  id: LINK_ID,
  institution: "erebor_mx_retail",
  access_mode: "recurrent",
  last_accessed_at: "2026-01-15T09:58:11.123456Z",
  created_at: "2026-01-15T09:55:00.000Z",
  external_id: "customer-42",
  status: "valid",
  created_by: "0b2a4c6e-8f01-4234-9567-89abcdef0123",
  refresh_rate: "7d",
});
const balances = (length) =>
  Array.from({ length }, (_, i) => ({
    id: `b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f${String(i).padStart(2, "0")}`,
    account: ACCOUNTS[i % 3],
    value_date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`,
    balance: 1000 + i + 0.25,
    current_balance: 1000 + i + 0.25,
    statement: null,
    collected_at: "2026-01-15T09:58:11Z",
  }));
export const BALANCES = JSON.stringify(balances(10));
/** For the token `large1000` (bench/scenarios.mjs). */
export const LARGE_BALANCES = JSON.stringify(balances(1000));
const TRANSACTION_ITEMS = Array.from({ length: 1000 }, (_, i) => ({
  id: `7c1e2d3f-4a5b-4c6d-8e7f-${String(i).padStart(12, "0")}`,
  account: ACCOUNTS[i % 3],
  collected_at: "2026-01-15T09:58:11Z",
  created_at: "2026-01-15T09:58:11Z",
  value_date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`,
  accounting_date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}T12:00:00Z`,
  amount: 100 + i + 0.5,
  balance: 5000 + i + 0.13,
  currency: "MXN",
  description: "OXXO PAGO SERVICIOS",
  observations: null,
  reference: String(10_000_000 + i),
  internal_identification: String(100_000_000_000 + i),
  type: i % 5 === 0 ? "INFLOW" : "OUTFLOW",
  status: "PROCESSED",
  category: "Food & Groceries",
  subcategory: "Convenience stores",
  merchant: null,
  credit_card_data:
    i % 3 === 2
      ? {
          collected_at: "2026-01-15T09:58:11Z",
          bill_name: "2026-01",
          bill_status: "OPEN",
          bill_amount: 12_345.67,
          previous_bill_total: "9614.30",
        }
      : null,
}));
export const TRANSACTIONS = JSON.stringify(TRANSACTION_ITEMS);

/** A saved list's first page of 1,000 (of 3,000), `next` naming page 2 on `origin`. */
export const transactionPage = (origin) =>
  JSON.stringify({
    count: 3000,
    next: `${origin}/api/transactions/?page=2&page_size=1000`,
    previous: null,
    results: TRANSACTION_ITEMS,
  });
