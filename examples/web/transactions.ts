/**
 * A connected account's transactions, 50 at a time: "Show transactions" reads the first page,
 * "Load more" the next one from the last page's end cursor, until Belvo has no more. A failure
 * is said in the panel and the button stays, so the user can ask again.
 */
import {
  GatewayClientError,
  type BelvoGatewayClient,
  type TransactionsPage,
} from "@belvo-graphql-gateway/client";
import { formatAmount } from "./balances.js";

const PAGE_SIZE = 50;

type Item = NonNullable<TransactionsPage["edges"][number]["node"]>;

export interface AccountChoice {
  id: string;
  name: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

function row(item: Item): HTMLTableRowElement {
  const tr = document.createElement("tr");
  const day = document.createElement("td");
  day.className = "day";
  day.textContent = item.valueDate ? DAY.format(new Date(`${item.valueDate}T00:00:00Z`)) : "";
  const what = document.createElement("td");
  what.className = "description";
  what.textContent = item.description ?? "";
  const amount = document.createElement("td");
  amount.className = "amount";
  const value = item.amount ?? "";
  const sign = item.type === "OUTFLOW" ? "-" : "";
  amount.textContent = value ? sign + formatAmount(value, item.currency) : "—";
  tr.append(day, what, amount);
  return tr;
}

/** The panel under the balances: which account, its rows so far, and where the walk goes on. */
export class TransactionsPanel {
  private link = "";
  private after: string | null = null;
  private loading = false;

  constructor(private readonly client: BelvoGatewayClient) {
    $("show-transactions").onclick = () => void this.load(true);
    $("more-transactions").onclick = () => void this.load(false);
  }

  /** A new connection: its accounts to choose from, nothing listed yet. */
  open(link: string, accounts: readonly AccountChoice[]): void {
    this.link = link;
    this.after = null;
    const select = $<HTMLSelectElement>("transactions-account");
    select.replaceChildren(
      ...accounts.map(({ id, name }) =>
        Object.assign(document.createElement("option"), { value: id, text: name }),
      ),
    );
    $("transactions-body").replaceChildren();
    $("transactions-table").hidden = true;
    $("more-transactions").hidden = true;
    $("transactions-note").hidden = true;
    $("transactions").hidden = accounts.length === 0;
  }

  /** One page: the first (`fresh`) or the next; each request once, however often it is clicked. */
  private async load(fresh: boolean): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    const account = $<HTMLSelectElement>("transactions-account").value;
    const buttons = [
      $<HTMLButtonElement>("show-transactions"),
      $<HTMLButtonElement>("more-transactions"),
    ];
    for (const button of buttons) button.disabled = true;
    try {
      const page = await this.client.transactions({
        link: this.link,
        account,
        first: PAGE_SIZE,
        after: fresh ? null : this.after,
      });
      if (fresh) $("transactions-body").replaceChildren();
      // An item the gateway could not read is null (its error is beside the data): skipped.
      const items = page.edges.flatMap((edge) => (edge.node ? [edge.node] : []));
      $("transactions-body").append(...items.map(row));
      this.after = page.pageInfo.endCursor ?? null;
      const shown = $("transactions-body").childElementCount;
      this.note(
        shown === 0
          ? "No transactions saved for this account yet."
          : `${shown} of ${page.totalCount}`,
      );
      $("transactions-table").hidden = shown === 0;
      $("more-transactions").hidden = !page.pageInfo.hasNextPage;
    } catch (error) {
      const id = error instanceof GatewayClientError ? ` (request ${error.requestId ?? "-"})` : "";
      this.note(`The transactions could not be loaded. Try again.${id}`);
    } finally {
      this.loading = false;
      for (const button of buttons) button.disabled = false;
    }
  }

  private note(text: string): void {
    $("transactions-note").textContent = text;
    $("transactions-note").hidden = false;
  }
}
