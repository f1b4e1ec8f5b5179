/**
 * The link's events as a live timeline (the typed client's `subscribeLinkEvents`: SSE, reconnects
 * with `after`): what is kept is shown first, then each event as it arrives; an event that says
 * data arrived (a historical update, new transactions) asks the page to refresh its tables.
 */
import type { BelvoGatewayClient, LinkEvent } from "@belvo-graphql-gateway/client";

/** Codes that mean Belvo has new data for the link. */
const DATA_ARRIVED = new Set(["historical_update", "new_transactions_available"]);

function row(event: LinkEvent): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.testid = "event";
  const time = new Date(event.receivedAt).toLocaleTimeString();
  item.textContent = `${time} ${event.type} ${event.code}`;
  return item;
}

let stopFollowing: (() => void) | null = null;

/** Shows `link`'s events in `timeline` and follows it; `onData` when data arrives. Replaces the last. */
export async function followLink(
  client: BelvoGatewayClient,
  link: string,
  timeline: HTMLElement,
  onData: () => void,
): Promise<void> {
  stopFollowing?.();
  timeline.replaceChildren();
  const kept = await client.keptLinkEvents(link).catch(() => []);
  for (const event of kept) timeline.prepend(row(event));
  stopFollowing = client.subscribeLinkEvents(
    link,
    (event) => {
      timeline.prepend(row(event));
      if (DATA_ARRIVED.has(event.code)) onData();
    },
    { after: kept.at(-1)?.cursor ?? null },
  );
}
