/** retrieveAccounts, retrieveTransactions, retrieveOwners and Link.accounts against a recording fake. */
import {
  ACCOUNT_BODY,
  LINK_BODY,
  challengeEntry,
  LINK_ID,
  SESSION_HEX,
  resumeInput,
} from "./helpers/fixtures.js";
import { resumeData } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";
import { unreadableItem } from "./helpers/outcomes.js";

const kit = useGateway({ upstream: "fake" });

const CHALLENGE = "... on MfaChallenge { session link }";
const RETRIEVE_ACCOUNTS = `mutation A($input: RetrieveAccountsInput!) { retrieveAccounts(input: $input) {
  __typename ... on AccountList { saved accounts { id name currentBalance availableBalance } } ${CHALLENGE}
} }`;
const RETRIEVE_TRANSACTIONS = `mutation T($input: RetrieveTransactionsInput!) {
  retrieveTransactions(input: $input) {
    __typename
    ... on TransactionList { saved transactions {
      id valueDate accountingDate amount balance currency description observations reference
      internalIdentification type status category subcategory collectedAt createdAt
      merchant { merchantName logo website }
      creditCardData { billName billStatus billAmount previousBillTotal collectedAt }
      account { id name }
    } }
    ${CHALLENGE}
  }
}`;
const RETRIEVE_OWNERS = `mutation O($input: RetrieveOwnersInput!) {
  retrieveOwners(input: $input) {
    __typename
    ... on OwnerList { saved owners {
      id displayName email phoneNumber address internalIdentification collectedAt createdAt
      documentId { documentType documentNumber }
    } }
    ${CHALLENGE}
  }
}`;

const TRANSACTION_TEXT = `[{
  "id": "2b8a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b", "account": ${JSON.stringify(ACCOUNT_BODY)},
  "value_date": "2026-01-10", "accounting_date": "2026-01-10T12:00:00Z",
  "amount": 12345678901234567.89, "balance": 5874.13, "currency": "MXN",
  "description": "OXXO", "observations": null, "reference": "8703", "internal_identification": "t-1",
  "type": "OUTFLOW", "status": "PROCESSED", "category": "Food & Groceries", "subcategory": "Groceries",
  "merchant": {"merchant_name": "OXXO", "logo": null, "website": null},
  "credit_card_data": {"bill_name": "jan-2026", "bill_status": "OPEN", "bill_amount": 100.5,
    "previous_bill_total": "9614.30", "collected_at": null},
  "collected_at": null, "created_at": "2026-01-15T09:58:11Z"
}]`;

const ACCOUNT_SERVED = {
  id: ACCOUNT_BODY.id,
  name: ACCOUNT_BODY.name,
  currentBalance: "5874.13",
  availableBalance: "5621.12",
};

const TRANSACTION_SERVED = {
  id: "2b8a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
  valueDate: "2026-01-10",
  accountingDate: "2026-01-10T12:00:00Z",
  amount: "12345678901234567.89",
  balance: "5874.13",
  currency: "MXN",
  description: "OXXO",
  observations: null,
  reference: "8703",
  internalIdentification: "t-1",
  type: "OUTFLOW",
  status: "PROCESSED",
  category: "Food & Groceries",
  subcategory: "Groceries",
  collectedAt: null,
  createdAt: "2026-01-15T09:58:11Z",
  merchant: { merchantName: "OXXO", logo: null, website: null },
  creditCardData: {
    billName: "jan-2026",
    billStatus: "OPEN",
    billAmount: "100.5",
    previousBillTotal: "9614.30",
    collectedAt: null,
  },
  account: { id: ACCOUNT_BODY.id, name: ACCOUNT_BODY.name },
};

const OWNER_BODY = {
  id: "5c1a2b3c-4d5e-4f60-8172-839405a6b7c8",
  link: LINK_ID,
  display_name: "Ana López",
  email: "ana@example.com",
  phone_number: "+52-55-1234-5678",
  address: "Calle 1, CDMX",
  internal_identification: "o-1",
  document_id: { document_type: "CURP", document_number: "LOPA800101MDFXXX01" },
  collected_at: "2026-01-15T09:58:11Z",
  created_at: "2026-01-15T09:58:12Z",
};

const OWNER_SERVED = {
  id: "5c1a2b3c-4d5e-4f60-8172-839405a6b7c8",
  displayName: "Ana López",
  email: "ana@example.com",
  phoneNumber: "+52-55-1234-5678",
  address: "Calle 1, CDMX",
  internalIdentification: "o-1",
  collectedAt: "2026-01-15T09:58:11Z",
  createdAt: "2026-01-15T09:58:12Z",
  documentId: { documentType: "CURP", documentNumber: "LOPA800101MDFXXX01" },
};

describe("starts", () => {
  it("retrieveAccounts: POST /api/accounts/ {link, save_data}; 201 is a saved AccountList", async () => {
    kit.fake.reply({ status: 201, body: [ACCOUNT_BODY] });
    const { body } = await kit.post(RETRIEVE_ACCOUNTS, {
      input: { link: LINK_ID },
    });
    expect(kit.fake.requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: "POST", path: "/api/accounts/", body: { link: LINK_ID, save_data: true } },
    ]);
    expect(body).toEqual({
      data: {
        retrieveAccounts: {
          __typename: "AccountList",
          saved: true,
          accounts: [ACCOUNT_SERVED],
        },
      },
    });
  });
});

describe("starts: transactions", () => {
  it("retrieveTransactions: POST /api/transactions/ with dates; amounts exact", async () => {
    kit.fake.reply({
      status: 200,
      text: TRANSACTION_TEXT,
      headers: { "content-type": "application/json" },
    });
    const { body } = await kit.post(RETRIEVE_TRANSACTIONS, {
      input: {
        link: LINK_ID,
        dateFrom: "2026-01-01",
        dateTo: "2026-01-14",
        account: ACCOUNT_BODY.id,
        saveData: false,
      },
    });
    expect(kit.fake.requests[0]).toMatchObject({
      method: "POST",
      path: "/api/transactions/",
      body: {
        link: LINK_ID,
        date_from: "2026-01-01",
        date_to: "2026-01-14",
        account: ACCOUNT_BODY.id,
        save_data: false,
      },
    });
    expect(body).toEqual({
      data: {
        retrieveTransactions: {
          __typename: "TransactionList",
          saved: false,
          transactions: [TRANSACTION_SERVED],
        },
      },
    });
  });
});

describe("transactions: previous_bill_total, a free string in Belvo's spec", () => {
  it.each([
    ['"9.614,30"', "9.614,30"],
    ['"9614.30"', "9614.30"],
    ["9614.30", "9614.30"],
  ])("%s is served as Belvo sent it, the transaction delivered", async (sent, served) => {
    kit.fake.reply({
      status: 201,
      text: TRANSACTION_TEXT.replace(
        '"previous_bill_total": "9614.30"',
        `"previous_bill_total": ${sent}`,
      ),
      headers: { "content-type": "application/json" },
    });
    const { body } = await kit.post(
      resumeData(
        "Transactions",
        "TransactionList",
        "transactions { id creditCardData { previousBillTotal } }",
      ),
      { input: resumeInput(null) },
    );
    expect(body).toEqual({
      data: {
        resumeTransactions: {
          __typename: "TransactionList",
          saved: true,
          transactions: [
            {
              id: "2b8a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
              creditCardData: { previousBillTotal: served },
            },
          ],
        },
      },
    });
  });
});

describe("starts: owners", () => {
  it("retrieveOwners: POST /api/owners/; the owner as Belvo defines it", async () => {
    kit.fake.reply({
      status: 201,
      body: [OWNER_BODY],
    });
    const { body } = await kit.post(RETRIEVE_OWNERS, { input: { link: LINK_ID } });
    expect(kit.fake.requests[0]).toMatchObject({
      method: "POST",
      path: "/api/owners/",
      body: { link: LINK_ID, save_data: true },
    });
    expect(body).toEqual({
      data: {
        retrieveOwners: {
          __typename: "OwnerList",
          saved: true,
          owners: [OWNER_SERVED],
        },
      },
    });
  });
});

describe("starts: a list Belvo saved is never lost for one item", () => {
  /** Each start: its document and input, its list, and one good item as sent and as served. */
  const STARTS: [string, string, object, string, string, string, object][] = [
    [
      "retrieveAccounts",
      RETRIEVE_ACCOUNTS,
      { link: LINK_ID },
      "AccountList",
      "accounts",
      JSON.stringify(ACCOUNT_BODY),
      ACCOUNT_SERVED,
    ],
    [
      "retrieveTransactions",
      RETRIEVE_TRANSACTIONS,
      { link: LINK_ID, dateFrom: "2026-01-01" },
      "TransactionList",
      "transactions",
      TRANSACTION_TEXT.slice(1, -1),
      TRANSACTION_SERVED,
    ],
    [
      "retrieveOwners",
      RETRIEVE_OWNERS,
      { link: LINK_ID },
      "OwnerList",
      "owners",
      JSON.stringify(OWNER_BODY),
      OWNER_SERVED,
    ],
  ];
  const WHAT: Record<string, string> = {
    accounts: "an account",
    transactions: "a transaction",
    owners: "an owner",
  };

  it.each(STARTS)(
    '%s: [good, "garbled", good] is [item, null, item], the error at the item\'s path',
    async (field, document, input, list, key, good, served) => {
      kit.fake.reply({
        status: 201,
        text: `[${good}, "garbled", ${good}]`,
        headers: { "content-type": "application/json" },
      });
      const { body } = await kit.post(document, { input });
      expect(body).toEqual({
        data: { [field]: { __typename: list, saved: true, [key]: [served, null, served] } },
        errors: [unreadableItem([field, key, 1], `${WHAT[key]} is not an object`, 201)],
      });
    },
  );
});

describe("starts: a challenge, or input refused", () => {
  it.each([
    ["retrieveAccounts", RETRIEVE_ACCOUNTS, { link: LINK_ID }],
    ["retrieveOwners", RETRIEVE_OWNERS, { link: LINK_ID }],
    ["retrieveTransactions", RETRIEVE_TRANSACTIONS, { link: LINK_ID, dateFrom: "2026-01-01" }],
  ])("%s: a 428 is the challenge", async (field, document, input) => {
    kit.fake.reply({ status: 428, body: [challengeEntry()] });
    const { body } = await kit.post(document, { input });
    expect(body).toEqual({
      data: { [field]: { __typename: "MfaChallenge", session: SESSION_HEX, link: LINK_ID } },
    });
  });

  it.each([
    ["retrieveAccounts", RETRIEVE_ACCOUNTS, { link: "not-a-uuid" }, "input.link"],
    ["retrieveOwners", RETRIEVE_OWNERS, { link: "not-a-uuid" }, "input.link"],
    [
      "retrieveTransactions",
      RETRIEVE_TRANSACTIONS,
      { link: LINK_ID, dateFrom: "2026-01-10", dateTo: "2026-01-01" },
      "input.dateTo",
    ],
  ])("%s: bad input is refused with no upstream call", async (_field, document, input, path) => {
    const { body } = await kit.post(document, { input });
    expect(body).toMatchObject({
      errors: [{ extensions: { code: "BAD_USER_INPUT", field: path } }],
    });
    expect(kit.fake.requests).toHaveLength(0);
  });
});

describe("Link.accounts", () => {
  it("loads the accounts of every link of the operation in one list call", async () => {
    const other = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
    const otherAccount = {
      ...ACCOUNT_BODY,
      id: "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b",
      link: other,
    };
    const link = (id: string) => ({ ...LINK_BODY, id });
    kit.fake.route = (request) => {
      if (request.method === "PATCH")
        return {
          status: 201,
          body: [
            { id: "b1", account: ACCOUNT_BODY, value_date: "2026-01-14", balance: 1 },
            { id: "b2", account: otherAccount, value_date: "2026-01-14", balance: 2 },
          ],
        };
      const results = request.path.startsWith("/api/links/")
        ? [link(LINK_ID), link(other)]
        : [ACCOUNT_BODY, otherAccount];
      return { status: 200, body: { count: 2, next: null, previous: null, results } };
    };
    const { body } = await kit.post(
      `mutation R($input: ResumeBalancesInput!) { resumeBalances(input: $input) {
        ... on BalanceList { balances { account { link { id accounts { id } } } } } } }`,
      { input: resumeInput(null) },
    );
    expect(body).toEqual({
      data: {
        resumeBalances: {
          balances: [
            { account: { link: { id: LINK_ID, accounts: [{ id: ACCOUNT_BODY.id }] } } },
            { account: { link: { id: other, accounts: [{ id: otherAccount.id }] } } },
          ],
        },
      },
    });
    const lists = kit.fake.requests.filter((request) => request.path.startsWith("/api/accounts/"));
    expect(lists.map((request) => request.path)).toEqual([
      `/api/accounts/?link__in=${LINK_ID},${other}&page_size=1000`,
    ]);
  });
});
