/**
 * The emulator's webhooks, sent as Belvo sends them to the gateway it runs beside, signed with the
 * secret the two share (`Authorization: Bearer <secret>`): historical updates once a link is
 * created (or refreshed: `sendHistoricalUpdates` is the hook), `new_transactions_available` once
 * an asynchronous retrieval is done, and a LINK webhook for the logins that ask for one
 * (`WEBHOOK_LOGINS`, docs/emulator.md). Nothing is sent until a target is set.
 */
import { randomUUID } from "node:crypto";
import type { SandboxLink } from "./data.js";
import type { SandboxState } from "./state.js";

export interface WebhookTarget {
  /** The gateway's `…/webhooks/belvo`. */
  url: string;
  secret: string;
}

/** A webhook's body as Belvo writes it, less its `webhook_id` (a fresh UUID each). */
export interface WebhookBody {
  webhook_type: string;
  webhook_code: string;
  link_id: string;
  request_id?: string | null;
  external_id?: string | null;
  process_type?: string | null;
  data?: Record<string, unknown>;
}

/** Logins (password `pass_valid`) whose link is created, then reported by a LINK webhook. */
export const WEBHOOK_LOGINS: Readonly<Record<string, "token_required" | "invalid_credentials">> = {
  user_webhook_token_required: "token_required",
  user_webhook_invalid_credentials: "invalid_credentials",
};

export class SandboxWebhooks {
  target: WebhookTarget | null = null;
  /** Pause before each webhook (Belvo sends them once the work is done). */
  delayMs = 100;
  private readonly inFlight = new Set<Promise<void>>();

  send(body: WebhookBody): void {
    const target = this.target;
    if (!target) return;
    const payload = JSON.stringify({ webhook_id: randomUUID(), ...body });
    const sent = new Promise<void>((resolve) => setTimeout(resolve, this.delayMs).unref())
      .then(() =>
        fetch(target.url, {
          method: "POST",
          headers: { authorization: `Bearer ${target.secret}`, "content-type": "application/json" },
          body: payload,
        }),
      )
      .then((response) => void response.body?.cancel())
      // The gateway may be gone (stopping): a webhook is a hint, never retried by the emulator.
      .catch(() => undefined);
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Resolves once every webhook sent so far was answered (or failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}

const registry = new WeakMap<SandboxState, SandboxWebhooks>();

/** The webhooks of one emulator (its state). */
export function webhooksOf(state: SandboxState): SandboxWebhooks {
  let webhooks = registry.get(state);
  if (!webhooks) registry.set(state, (webhooks = new SandboxWebhooks()));
  return webhooks;
}

/** Sends one webhook from the emulator of `state` (when it has a target). */
export function sendWebhook(state: SandboxState, body: WebhookBody): void {
  webhooksOf(state).send(body);
}

/**
 * The historical updates Belvo sends once a link's first (or a refresh's) data is in: accounts,
 * then transactions. `requestId`: a refresh's, so the events match its RefreshAccepted.
 */
export function sendHistoricalUpdates(
  state: SandboxState,
  link: SandboxLink,
  requestId: string | null = null,
): void {
  const accounts = state.accountsOf(link.id).length;
  const common = {
    link_id: link.id,
    request_id: requestId,
    external_id: link.external_id,
    process_type: "historical",
    webhook_code: "historical_update",
  };
  sendWebhook(state, { ...common, webhook_type: "ACCOUNTS", data: { total_accounts: accounts } });
  sendWebhook(state, {
    ...common,
    webhook_type: "TRANSACTIONS",
    data: { total_transactions: accounts * 10, first_transaction_date: null },
  });
}

/** A link created by a login of WEBHOOK_LOGINS: its status changes, told by a LINK webhook. */
export function sendLinkStatus(state: SandboxState, link: SandboxLink, username: string): void {
  const code = WEBHOOK_LOGINS[username];
  if (!code) return;
  link.status = code === "token_required" ? "token_required" : "invalid";
  sendLinkNeedsUser(state, link);
}

/**
 * The LINK webhook Belvo sends when a link needs its user again, by its status (`invalid`:
 * `invalid_credentials`, `token_required`); `requestId`: the refresh that found it so.
 */
export function sendLinkNeedsUser(
  state: SandboxState,
  link: SandboxLink,
  requestId?: string,
): void {
  sendWebhook(state, {
    webhook_type: "LINK",
    webhook_code: link.status === "token_required" ? "token_required" : "invalid_credentials",
    link_id: link.id,
    request_id: requestId,
    external_id: link.external_id,
    data: {},
  });
}
