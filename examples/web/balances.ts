/**
 * The balances as a person reads them: one row per account with its latest balance, the earlier
 * days on demand, the category in words, and amounts in the account's currency with every digit
 * Belvo sent (Intl.NumberFormat formats a decimal string exactly; a float would round it).
 */

export interface BalanceRow {
  valueDate?: string | null;
  balance?: string | null;
  account?: {
    id: string;
    name?: string | null;
    category?: string | null;
    currency?: string | null;
  } | null;
}

/** Belvo's account categories, in words. */
const CATEGORY_WORDS: Record<string, string> = {
  CHECKING_ACCOUNT: "Checking",
  SAVINGS_ACCOUNT: "Savings",
  CREDIT_CARD: "Credit card",
  LOAN_ACCOUNT: "Loan",
  INVESTMENT_ACCOUNT: "Investment",
  PENSION_FUND_ACCOUNT: "Pension fund",
  UNCATEGORIZED: "Other",
};

/** A category in words; one Belvo adds later reads as its own words ("FOO_BAR" → "Foo bar"). */
export function categoryWords(category: string | null | undefined): string {
  if (!category) return "";
  const known = CATEGORY_WORDS[category];
  if (known) return known;
  const words = category
    .toLowerCase()
    .replace(/_account$/, "")
    .replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The digits after the point of a decimal string. */
const fractionDigits = (amount: string) => /\.(\d+)$/.exec(amount)?.[1]?.length ?? 0;

/**
 * `"13231.4"`, `"MXN"` → `MX$13,231.40` (in the reader's locale): at least the currency's own
 * decimals, and every digit sent beyond them. Without a valid currency: the number alone.
 */
export function formatAmount(amount: string, currency: string | null | undefined): string {
  const extra = Math.min(fractionDigits(amount), 20);
  const format = (options: Intl.NumberFormatOptions) => {
    const standard = new Intl.NumberFormat(undefined, options).resolvedOptions();
    return new Intl.NumberFormat(undefined, {
      ...options,
      maximumFractionDigits: Math.max(extra, standard.maximumFractionDigits ?? 0),
    }).format(amount as Intl.StringNumericLiteral);
  };
  try {
    return currency ? format({ style: "currency", currency }) : format({});
  } catch {
    // An unknown currency code: the amount as sent, and the code beside it.
    return `${amount} ${currency ?? ""}`.trim();
  }
}

const DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const dayOf = (date: string | null | undefined) =>
  date ? DAY.format(new Date(`${date}T00:00:00Z`)) : "";

/** Each account's balances, the latest first; accounts in the order Belvo listed them. */
function byAccount(balances: readonly BalanceRow[]): BalanceRow[][] {
  const groups = new Map<string, BalanceRow[]>();
  for (const balance of balances) {
    const key = balance.account?.id ?? "";
    groups.set(key, [...(groups.get(key) ?? []), balance]);
  }
  return [...groups.values()].map((days) =>
    days.sort((a, b) => (b.valueDate ?? "").localeCompare(a.valueDate ?? "")),
  );
}

function cell(...children: (Node | string)[]): HTMLTableCellElement {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}

function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

const amountOf = (row: BalanceRow) =>
  row.balance === null || row.balance === undefined
    ? "—"
    : formatAmount(row.balance, row.account?.currency);

/** The earlier days of one account, in a row of their own, hidden until asked for. */
function historyRow(earlier: BalanceRow[], id: string): HTMLTableRowElement {
  const row = document.createElement("tr");
  row.className = "history";
  row.id = id;
  row.hidden = true;
  const list = document.createElement("ul");
  for (const day of earlier) {
    const item = document.createElement("li");
    item.append(span("day", dayOf(day.valueDate)), span("amount", amountOf(day)));
    list.append(item);
  }
  const td = cell(list);
  td.colSpan = 2;
  row.append(td);
  return row;
}

/** One account: its name, category and latest balance, with a button for the earlier days. */
function accountRows(days: BalanceRow[], index: number): HTMLTableRowElement[] {
  const [latest, ...earlier] = days as [BalanceRow, ...BalanceRow[]];
  const row = document.createElement("tr");
  row.className = "account";
  const name = cell(
    span("name", latest.account?.name ?? "Account"),
    span("category", categoryWords(latest.account?.category)),
  );
  const balance = cell(span("amount", amountOf(latest)), span("as-of", dayOf(latest.valueDate)));
  balance.className = "balance";
  row.append(name, balance);
  if (earlier.length === 0) return [row];
  const history = historyRow(earlier, `history-${index}`);
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "link-button";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", history.id);
  toggle.textContent = `Earlier days (${earlier.length})`;
  toggle.onclick = () => {
    history.hidden = !history.hidden;
    toggle.setAttribute("aria-expanded", String(!history.hidden));
  };
  name.append(toggle);
  return [row, history];
}

/** The table body: one row per account (and its hidden history). */
export function balanceRows(balances: readonly BalanceRow[]): HTMLTableRowElement[] {
  return byAccount(balances).flatMap((days, index) => accountRows(days, index));
}
