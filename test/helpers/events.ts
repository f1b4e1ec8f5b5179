/** Webhooks as Belvo sends them, and what the tests read back (events tests). */
import { TEST_REQUEST_ID } from "./fixtures.js";

export const WEBHOOK_SECRET = "whsec-test-4c1f9a7e2b";

export const LINK_EVENT_FIELDS =
  "id cursor link type code processType requestId externalId receivedAt data";

/** A webhook body as Belvo sends one (a historical update of `link` by default). */
export function webhook(id: string, link: string, more: Record<string, unknown> = {}) {
  return {
    webhook_id: id,
    webhook_type: "TRANSACTIONS",
    webhook_code: "historical_update",
    link_id: link,
    process_type: "historical",
    request_id: null,
    external_id: "customer-42",
    data: { total_transactions: 3, first_transaction_date: "2025-01-01" },
    ...more,
  };
}

/** POSTs a webhook to the gateway (a string body as it is), with the secret unless null. */
export async function postWebhook(
  url: string,
  body: unknown,
  secret: string | null = WEBHOOK_SECRET,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${url}/webhooks/belvo`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-request-id": TEST_REQUEST_ID,
      ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A LinkEvent as the gateway answers it for `webhook(id, link, more)`, cursor aside. */
export function linkEvent(
  id: string,
  link: string,
  receivedAt: string,
  more: Record<string, unknown> = {},
) {
  return {
    id,
    cursor: expect.any(String) as unknown as string,
    link,
    type: "TRANSACTIONS",
    code: "historical_update",
    processType: "historical",
    requestId: null,
    externalId: "customer-42",
    receivedAt,
    data: { total_transactions: 3, first_transaction_date: "2025-01-01" },
    ...more,
  };
}

/**
 * Resolves once the gateway wrote a line containing `text` `count` times since line `from`
 * (polls its lines).
 */
export async function logged(logs: string[], text: string, count = 1, from = 0, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (logs.slice(from).filter((line) => line.includes(text)).length < count) {
    if (Date.now() > deadline) throw new Error(`no "${text}" (x${count}) in the gateway's log`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const SUBSCRIBED = "events: a subscriber is listening";

/** The next `count` results of an iterator (a subscription), then it is left open. */
export async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const results: T[] = [];
  while (results.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    results.push(next.value);
  }
  return results;
}
