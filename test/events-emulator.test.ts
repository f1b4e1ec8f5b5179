/**
 * The emulator behaves like Belvo (CONTRACT.md section 8): signed webhooks to the gateway beside it
 * (historical updates after a link is created, `new_transactions_available` after an asynchronous
 * retrieval, LINK token_required / invalid_credentials for the logins that ask for them); and
 * `retrieveTransactions(input: {async: true})` against the emulator and the recording fake.
 */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { LINK_ID } from "./helpers/fixtures.js";
import { WEBHOOK_SECRET, take } from "./helpers/events.js";
import { useGateway, type Kit } from "./helpers/kit.js";

const REGISTER = `mutation R($input: RegisterLinkInput!) { registerLink(input: $input) { __typename ... on Link { id } } }`;
const READ = `query E($link: ID!) { linkEvents(link: $link) { type code requestId processType data cursor } }`;
const RETRIEVE = `mutation T($input: RetrieveTransactionsInput!) {
  retrieveTransactions(input: $input) {
    __typename
    ... on RetrievalAccepted { link requestId }
    ... on TransactionList { transactions { id } }
  }
}`;

async function register(kit: Kit, username: string): Promise<string> {
  const answer = await kit.post(REGISTER, {
    input: { institution: "erebor_mx_retail", username, password: "pass_valid" },
  });
  const link = (answer.body.data as { registerLink: { id: string } }).registerLink.id;
  await kit.sandbox.webhooks.settled();
  return link;
}

async function events(kit: Kit, link: string) {
  const answer = await kit.post(READ, { link });
  return (answer.body.data as { linkEvents: Record<string, unknown>[] }).linkEvents.map(
    ({ cursor: _cursor, ...event }) => event,
  );
}

describe("with the emulator", () => {
  const kit = useGateway({ upstream: "emulator", events: { webhookSecret: WEBHOOK_SECRET } });
  beforeEach(() => {
    kit.sandbox.webhooks.target = { url: `${kit.url}/webhooks/belvo`, secret: WEBHOOK_SECRET };
    kit.sandbox.webhooks.delayMs = 0;
  });

  it("sends historical updates once a link is created", async () => {
    const link = await register(kit, "user_valid");
    expect(await events(kit, link)).toEqual([
      {
        type: "ACCOUNTS",
        code: "historical_update",
        requestId: null,
        processType: "historical",
        data: { total_accounts: expect.any(Number) as unknown },
      },
      {
        type: "TRANSACTIONS",
        code: "historical_update",
        requestId: null,
        processType: "historical",
        data: { total_transactions: expect.any(Number) as unknown, first_transaction_date: null },
      },
    ]);
  });

  it.each([
    ["user_webhook_token_required", "token_required"],
    ["user_webhook_invalid_credentials", "invalid_credentials"],
  ])("sends a LINK webhook for %s", async (username, code) => {
    const link = await register(kit, username);
    expect((await events(kit, link)).at(-1)).toEqual({
      type: "LINK",
      code,
      requestId: null,
      processType: null,
      data: {},
    });
  });

  it("answers an asynchronous retrieval with RetrievalAccepted, then the event with its requestId", async () => {
    const link = await register(kit, "user_valid");
    const after = (
      (await kit.post(READ, { link })).body.data as { linkEvents: { cursor: string }[] }
    ).linkEvents.at(-1)!.cursor;
    const client = createClient({
      url: `${kit.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const live = client.iterate({
      query: `subscription S($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { type code requestId data } }`,
      variables: { link, after },
    });
    const answer = await kit.post(RETRIEVE, {
      input: { link, dateFrom: "2026-01-01", dateTo: "2026-01-10", async: true },
    });
    const accepted = (answer.body.data as { retrieveTransactions: { requestId: string } })
      .retrieveTransactions;
    expect(accepted).toEqual({
      __typename: "RetrievalAccepted",
      link,
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
    });
    const [event] = await take(live, 1);
    expect(event).toEqual({
      data: {
        linkEvents: {
          type: "TRANSACTIONS",
          code: "new_transactions_available",
          requestId: accepted.requestId,
          data: { new_transactions: expect.any(Number) as unknown },
        },
      },
    });
    await live.return?.();
    await client.dispose();
  });
});

describe("with the emulator: a refresh", () => {
  const kit = useGateway({ upstream: "emulator", events: { webhookSecret: WEBHOOK_SECRET } });
  beforeEach(() => {
    kit.sandbox.webhooks.target = { url: `${kit.url}/webhooks/belvo`, secret: WEBHOOK_SECRET };
    kit.sandbox.webhooks.delayMs = 0;
  });

  it("sends historical updates with a refresh's requestId, and a LINK webhook when a refresh finds the link changed", async () => {
    const REFRESH = `mutation F($input: RefreshLinkInput!) { refreshLink(input: $input) { __typename ... on RefreshAccepted { requestId } } }`;
    const refresh = async (link: string) => {
      const answer = await kit.post(REFRESH, { input: { link } });
      await kit.sandbox.webhooks.settled();
      return (answer.body.data as { refreshLink: { requestId: string } }).refreshLink.requestId;
    };
    const valid = await register(kit, "user_valid");
    const requestId = await refresh(valid);
    expect((await events(kit, valid)).slice(2)).toEqual([
      {
        type: "ACCOUNTS",
        code: "historical_update",
        requestId,
        processType: "historical",
        data: { total_accounts: expect.any(Number) as unknown },
      },
      {
        type: "TRANSACTIONS",
        code: "historical_update",
        requestId,
        processType: "historical",
        data: { total_transactions: expect.any(Number) as unknown, first_transaction_date: null },
      },
    ]);
    const changed = await register(kit, "user_password_changes");
    const changedRequest = await refresh(changed);
    expect((await events(kit, changed)).slice(2)).toEqual([
      {
        type: "LINK",
        code: "invalid_credentials",
        requestId: changedRequest,
        processType: null,
        data: {},
      },
    ]);
  });
});

describe("with the recording fake", () => {
  const kit = useGateway({ upstream: "fake" });
  const input = { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-10" };

  it("sends X-Belvo-Request-Mode: async, and reads Belvo's 202 as RetrievalAccepted", async () => {
    kit.fake.reply({ status: 202, body: { request_id: "9a2b3c4d5e6f708192a3b4c5d6e7f809" } });
    const answer = await kit.post(RETRIEVE, { input: { ...input, async: true } });
    expect(answer.body).toEqual({
      data: {
        retrieveTransactions: {
          __typename: "RetrievalAccepted",
          link: LINK_ID,
          requestId: "9a2b3c4d5e6f708192a3b4c5d6e7f809",
        },
      },
    });
    expect(kit.fake.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/api/transactions/",
        headers: expect.objectContaining({ "x-belvo-request-mode": "async" }) as unknown,
        body: { link: LINK_ID, date_from: "2026-01-01", date_to: "2026-01-10", save_data: true },
      }),
    ]);
  });

  it("sends no request mode without async (nor with async: false)", async () => {
    kit.fake.reply({ status: 201, body: [] });
    for (const more of [{}, { async: false }]) {
      const answer = await kit.post(RETRIEVE, { input: { ...input, ...more } });
      expect(answer.body).toEqual({
        data: { retrieveTransactions: { __typename: "TransactionList", transactions: [] } },
      });
    }
    expect(kit.fake.requests.map((request) => request.headers["x-belvo-request-mode"])).toEqual([
      undefined,
      undefined,
    ]);
  });

  it("reads a 202 without a request_id as UPSTREAM_ERROR", async () => {
    kit.fake.reply({ status: 202, body: {} });
    const answer = await kit.post(RETRIEVE, { input: { ...input, async: true } });
    expect((answer.body.errors as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      "UPSTREAM_ERROR",
    );
  });
});
