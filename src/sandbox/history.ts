/**
 * The emulator's login with a long history: its link comes with two years of saved transactions
 * (a few thousand, over every account) and its owner, as if Belvo's historical update had run,
 * so a page of 1,000 and a whole walk can be tried locally.
 */
import { ownersFor, transactionsFor, type SandboxLink } from "./data.js";
import type { SandboxState } from "./state.js";

export const HISTORY_LOGIN = { username: "user_history", password: "pass_valid" } as const;

/** Months of transactions the history login's link has saved, up to the emulator's today. */
export const HISTORY_MONTHS = 24;

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Saves the link's history: its transactions newest first (Belvo's order here), its owner. */
export function saveHistory(state: SandboxState, link: SandboxLink): void {
  const today = state.clock.now();
  const from = new Date(today);
  from.setUTCMonth(from.getUTCMonth() - HISTORY_MONTHS);
  const collectedAt = today.toISOString();
  const retrieval = { dateFrom: day(from), dateTo: day(today), collectedAt };
  const transactions = transactionsFor(state.accountsOf(link.id), retrieval);
  // Stable: within a day, the accounts keep their order.
  transactions.sort((a, b) =>
    a.value_date < b.value_date ? 1 : a.value_date > b.value_date ? -1 : 0,
  );
  state.save("transactions", link.id, transactions);
  state.save("owners", link.id, ownersFor(link, collectedAt));
}
