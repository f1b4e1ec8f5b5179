/**
 * Saved data, page by page (issue 25, contract section 6) against the recording fake Belvo: the
 * GETs Belvo receives, the walk, and every refusal made before any upstream call.
 */
import { FakeUpstream, type RecordedRequest } from "./helpers/fake-upstream.js";
import { ACCOUNT_BODY, LINK_BODY, LINK_ID, TEST_REQUEST_ID } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { unreadableItem } from "./helpers/outcomes.js";

const kit = useGateway({ upstream: "fake" });

const OTHER_LINK = "0b2a4c6e-8f01-4234-9567-89abcdef0123";
const ACCOUNT_ID = ACCOUNT_BODY.id;

/** Seven transactions as Belvo saved them: `t0` … `t6`. */
const SAVED = Array.from({ length: 7 }, (_, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  account: ACCOUNT_BODY,
  value_date: `2026-01-0${i + 1}`,
  amount: 10 + i,
  currency: "MXN",
  description: `t${i}`,
}));

/** Belvo's list: `page` / `page_size` (default 100) over `items`, `next` on `host`. */
function belvoList(items: readonly unknown[], host = () => kit.fake.url) {
  return (request: RecordedRequest) => {
    const url = new URL(request.path, kit.fake.url);
    const size = Math.min(Number(url.searchParams.get("page_size") ?? "100"), 1000);
    const page = Number(url.searchParams.get("page") ?? "1");
    const more = page * size < items.length;
    url.searchParams.set("page", String(page + 1));
    return {
      status: 200,
      body: {
        count: items.length,
        next: more ? `${host()}${url.pathname}${url.search}` : null,
        previous: null,
        results: items.slice((page - 1) * size, page * size),
      },
    };
  };
}

const PAGE = `query Page($link: ID!, $account: ID, $dateFrom: Date, $dateTo: Date, $first: Int, $after: String) {
  transactions(link: $link, account: $account, dateFrom: $dateFrom, dateTo: $dateTo, first: $first, after: $after) {
    edges { cursor node { id description } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

interface PageAnswer {
  edges: { cursor: string; node: { id: string; description: string } | null }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

async function page(variables: Record<string, unknown>): Promise<PageAnswer> {
  const answer = await kit.post(PAGE, { link: LINK_ID, ...variables });
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data as { transactions: PageAnswer }).transactions;
}

const paths = () => kit.fake.requests.map((request) => `${request.method} ${request.path}`);

describe("a walk", () => {
  it("yields every item once, in Belvo's order, one GET per page while `first` stays the same", async () => {
    kit.fake.route = belvoList(SAVED);
    const seen: string[] = [];
    const pages: boolean[] = [];
    let after: string | null = null;
    do {
      const answer: PageAnswer = await page({ first: 3, after });
      seen.push(...answer.edges.map((edge) => edge.node!.description));
      expect(answer.totalCount).toBe(7);
      expect(answer.pageInfo.endCursor).toBe(answer.edges.at(-1)!.cursor);
      pages.push(answer.pageInfo.hasNextPage);
      after = answer.pageInfo.hasNextPage ? answer.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toEqual(["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
    expect(pages).toEqual([true, true, false]);
    expect(paths()).toEqual([
      `GET /api/transactions/?link=${LINK_ID}&page=1&page_size=3`,
      `GET /api/transactions/?link=${LINK_ID}&page=2&page_size=3`,
      `GET /api/transactions/?link=${LINK_ID}&page=3&page_size=3`,
    ]);
  });

  it("goes on from any edge's cursor, and with another `first` (one GET whose page holds the window)", async () => {
    kit.fake.route = belvoList(SAVED);
    const start = await page({ first: 3 });
    kit.fake.requests.length = 0;
    // After t2 (an end cursor) with first 2: items 3 and 4, one Belvo page of 3 (page 2).
    const wider = await page({ first: 2, after: start.pageInfo.endCursor });
    expect(wider.edges.map((edge) => edge.node!.description)).toEqual(["t3", "t4"]);
    expect(wider.pageInfo.hasNextPage).toBe(true);
    // After t0 (mid-page) with first 3: items 1 to 3, one page of 4.
    const middle = await page({ first: 3, after: start.edges[0]!.cursor });
    expect(middle.edges.map((edge) => edge.node!.description)).toEqual(["t1", "t2", "t3"]);
    expect(paths()).toEqual([
      `GET /api/transactions/?link=${LINK_ID}&page=2&page_size=3`,
      `GET /api/transactions/?link=${LINK_ID}&page=1&page_size=4`,
    ]);
  });

  it("reads two Belvo pages when no single page holds the window", async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({
      ...SAVED[0],
      id: `t-${i}`,
      description: `t${i}`,
    }));
    kit.fake.route = belvoList(many);
    const first = await page({ first: 1 });
    kit.fake.requests.length = 0;
    const next = await page({ first: 1000, after: first.pageInfo.endCursor });
    expect(next.edges.map((edge) => edge.node!.description)).toEqual(
      many.slice(1, 1001).map((item) => item.description),
    );
    expect(next.pageInfo.hasNextPage).toBe(true);
    expect(paths()).toEqual([
      `GET /api/transactions/?link=${LINK_ID}&page=1&page_size=1000`,
      `GET /api/transactions/?link=${LINK_ID}&page=2&page_size=1000`,
    ]);
  });
});

describe("past the end", () => {
  it("a cursor at the list's end gives an empty last page when Belvo answers 404 for it", async () => {
    const list = belvoList(SAVED.slice(0, 4));
    kit.fake.route = (request) =>
      request.path.includes("page=1&")
        ? list(request)
        : { status: 404, body: [{ code: "not_found", message: "Invalid page.", request_id: "r" }] };
    const whole = await page({ first: 4 });
    expect(whole.pageInfo.hasNextPage).toBe(false);
    const after = await page({ first: 4, after: whole.pageInfo.endCursor });
    expect(after).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 4,
    });
    expect(paths()).toEqual([
      `GET /api/transactions/?link=${LINK_ID}&page=1&page_size=4`,
      `GET /api/transactions/?link=${LINK_ID}&page=2&page_size=4`,
    ]);
  });
});

describe("Belvo's filters", () => {
  it.each([
    [
      "link, account and both dates: value_date__range",
      { account: ACCOUNT_ID, dateFrom: "2026-01-01", dateTo: "2026-03-31", first: 50 },
      `link=${LINK_ID}&account=${ACCOUNT_ID}&value_date__range=2026-01-01%2C2026-03-31&page=1&page_size=50`,
    ],
    [
      "dateFrom alone",
      { dateFrom: "2026-01-01" },
      `link=${LINK_ID}&value_date__gte=2026-01-01&page=1&page_size=100`,
    ],
    [
      "dateTo alone",
      { dateTo: "2026-03-31", first: 1000 },
      `link=${LINK_ID}&value_date__lte=2026-03-31&page=1&page_size=1000`,
    ],
  ])("transactions: %s", async (_, variables, query) => {
    kit.fake.route = belvoList(SAVED);
    await page(variables);
    expect(paths()).toEqual([`GET /api/transactions/?${query}`]);
  });

  it("first: null is the default, 100, as leaving it out is", async () => {
    kit.fake.route = belvoList(SAVED);
    await page({ first: null });
    expect(paths()).toEqual([`GET /api/transactions/?link=${LINK_ID}&page=1&page_size=100`]);
  });

  it("links, accounts and owners, as Belvo receives them", async () => {
    kit.fake.route = belvoList([]);
    const answer = await kit.post(`{
      links(institution: "erebor_mx_retail", status: VALID, first: 10) { totalCount }
      accounts(link: "${LINK_ID}") { totalCount }
      owners(link: "${LINK_ID}", first: 5) { totalCount pageInfo { hasNextPage endCursor } }
    }`);
    expect(answer.body).toEqual({
      data: {
        links: { totalCount: 0 },
        accounts: { totalCount: 0 },
        owners: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } },
      },
    });
    expect(paths().sort()).toEqual([
      `GET /api/accounts/?link=${LINK_ID}&page=1&page_size=100`,
      "GET /api/links/?institution=erebor_mx_retail&status=valid&page=1&page_size=10",
      `GET /api/owners/?link=${LINK_ID}&page=1&page_size=5`,
    ]);
  });
});

const badInput = (field: string, message: string, path = "transactions") => ({
  data: null,
  errors: [
    {
      message: `Invalid ${field}: ${message}`,
      path: [path],
      extensions: { code: "BAD_USER_INPUT", field, requestId: TEST_REQUEST_ID },
    },
  ],
});

const BAD_CURSOR =
  "not a cursor this gateway issued for these arguments; pass an endCursor (or an edge's cursor) of the same query with the same arguments, or leave after out to start from the first page.";

describe("refused before any upstream call", () => {
  let issued: string;
  beforeEach(async () => {
    kit.fake.route = belvoList(SAVED);
    issued = (await page({ first: 2, dateFrom: "2026-01-01" })).pageInfo.endCursor!;
    kit.fake.requests.length = 0;
  });

  const tampered = (cursor: string) =>
    cursor.slice(0, 3) + (cursor[3] === "A" ? "B" : "A") + cursor.slice(4);

  it.each([
    ["tampered", () => ({ dateFrom: "2026-01-01", after: tampered(issued) })],
    ["made up", () => ({ dateFrom: "2026-01-01", after: "AQAAAAEAAAAAAAAAAAAAAAAAAAAA" })],
    ["not base64url", () => ({ dateFrom: "2026-01-01", after: "page=2" })],
    ["empty", () => ({ dateFrom: "2026-01-01", after: "" })],
    ["for another link", () => ({ link: OTHER_LINK, dateFrom: "2026-01-01", after: issued })],
    ["for other filters", () => ({ dateFrom: "2026-01-02", after: issued })],
    ["for fewer filters", () => ({ after: issued })],
  ])("a cursor %s: BAD_USER_INPUT on after", async (_, variables) => {
    const answer = await kit.post(PAGE, { link: LINK_ID, ...variables() });
    expect(answer.body).toEqual(badInput("after", BAD_CURSOR));
    expect(kit.fake.requests).toEqual([]);
  });

  it("a cursor of another query: BAD_USER_INPUT on after", async () => {
    const answer = await kit.post(
      `{ owners(link: "${LINK_ID}", after: "${issued}") { totalCount } }`,
    );
    expect(answer.body).toEqual(badInput("after", BAD_CURSOR, "owners"));
    expect(kit.fake.requests).toEqual([]);
  });

  it.each([0, -1, 1001, 100000])("first: %d is BAD_USER_INPUT on first", async (first) => {
    const answer = await kit.post(PAGE, { link: LINK_ID, first });
    expect(answer.body).toEqual(badInput("first", "expected a whole number from 1 to 1000."));
    expect(kit.fake.requests).toEqual([]);
  });
});

describe("what Belvo sends", () => {
  it("does not follow a `next` off Belvo's host: the page is served, the walk ends with an error at pageInfo", async () => {
    const foreign = await FakeUpstream.start({
      status: 200,
      body: { count: 0, next: null, results: [] },
    });
    try {
      kit.fake.route = belvoList(SAVED, () => foreign.url);
      const answer = await kit.post(PAGE, { link: LINK_ID, first: 2 });
      const data = answer.body.data as { transactions: PageAnswer };
      expect(answer.body).toEqual({
        data: {
          transactions: {
            edges: [
              { cursor: expect.any(String), node: { id: SAVED[0]!.id, description: "t0" } },
              { cursor: expect.any(String), node: { id: SAVED[1]!.id, description: "t1" } },
            ],
            pageInfo: { hasNextPage: false, endCursor: null },
            totalCount: 7,
          },
        },
        errors: [
          {
            message:
              "Belvo's list pointed to another host for its next page; the gateway did not follow it, and the walk ends here.",
            path: ["transactions", "pageInfo", "endCursor"],
            extensions: {
              code: "UPSTREAM_ERROR",
              upstream: { status: 200, code: null, requestId: null },
              retryable: false,
              requestId: TEST_REQUEST_ID,
            },
          },
        ],
      });
      expect(data.transactions.edges).toHaveLength(2);
      expect(kit.fake.requests).toHaveLength(1);
      expect(foreign.requests).toEqual([]);
    } finally {
      await foreign.close();
    }
  });
});

describe("attack: a garbled Belvo page", () => {
  it("ends the walk with an error at pageInfo when a page holds no item yet Belvo says more follow", async () => {
    // hasNextPage true with endCursor null: a Relay client asks again with `after: null` (the
    // first page, for ever), the typed client stops as if the list had ended.
    kit.fake.route = (request) => {
      const url = new URL(request.path, kit.fake.url);
      url.searchParams.set("page", "2");
      const next = `${kit.fake.url}${url.pathname}${url.search}`;
      return { status: 200, body: { count: 7, next, previous: null, results: [] } };
    };
    const answer = await kit.post(PAGE, { link: LINK_ID, first: 2 });
    expect(answer.body).toEqual({
      data: {
        transactions: {
          edges: [],
          pageInfo: { hasNextPage: false, endCursor: null },
          totalCount: 7,
        },
      },
      errors: [
        {
          message:
            "Belvo's page held none of the items asked for, yet said more follow; the walk cannot go on from here.",
          path: ["transactions", "pageInfo", "endCursor"],
          extensions: {
            code: "UPSTREAM_ERROR",
            upstream: { status: 200, code: null, requestId: null },
            retryable: false,
            requestId: TEST_REQUEST_ID,
          },
        },
      ],
    });
    expect(kit.fake.requests).toHaveLength(1);
  });
});

describe("what Belvo sends, item by item", () => {
  it("serves a garbled item as null with an error at its node, and the rest of the page", async () => {
    const garbled = [SAVED[0], { ...SAVED[1], value_date: "soon" }, SAVED[2]];
    kit.fake.route = belvoList(garbled);
    const answer = await kit.post(PAGE, { link: LINK_ID, first: 3 });
    expect(answer.body).toEqual({
      data: {
        transactions: {
          edges: [
            { cursor: expect.any(String), node: { id: SAVED[0]!.id, description: "t0" } },
            { cursor: expect.any(String), node: null },
            { cursor: expect.any(String), node: { id: SAVED[2]!.id, description: "t2" } },
          ],
          pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
          totalCount: 3,
        },
      },
      errors: [unreadableItem(["transactions", "edges", 1, "node"], '"value_date" is not a date')],
    });
  });

  it("answers Owner.link and Account.link { id } with the id Belvo sent, without loading the link", async () => {
    kit.fake.route = (request) =>
      request.path.startsWith("/api/owners/")
        ? belvoList([{ id: "o-1", link: LINK_ID, display_name: "Ana" }])(request)
        : belvoList([ACCOUNT_BODY])(request);
    const answer = await kit.post(`{
      owners(link: "${LINK_ID}") { edges { node { link { __typename id } } } }
      accounts(link: "${LINK_ID}") { edges { node { link { id } } } }
    }`);
    expect(answer.body).toEqual({
      data: {
        owners: { edges: [{ node: { link: { __typename: "Link", id: LINK_ID } } }] },
        accounts: { edges: [{ node: { link: { id: LINK_ID } } }] },
      },
    });
    expect(paths().sort()).toEqual([
      `GET /api/accounts/?link=${LINK_ID}&page=1&page_size=100`,
      `GET /api/owners/?link=${LINK_ID}&page=1&page_size=100`,
    ]);
  });

  it("serves Owner.link, Institution.id, and null for an institution Belvo does not know", async () => {
    kit.fake.route = (request) => {
      if (request.path.startsWith("/api/owners/"))
        return belvoList([{ id: "o-1", link: LINK_ID, display_name: "Ana" }])(request);
      if (request.path.startsWith("/api/links/")) return belvoList([LINK_BODY])(request);
      const known = request.path.includes("erebor_mx_retail");
      return belvoList(known ? [{ id: 2, name: "erebor_mx_retail" }] : [])(request);
    };
    const answer = await kit.post(`{
      owners(link: "${LINK_ID}") { edges { node { displayName link { id status } } } }
      known: institution(name: "erebor_mx_retail") { id name }
      unknown: institution(name: "nowhere_mx") { id }
    }`);
    expect(answer.body).toEqual({
      data: {
        owners: {
          edges: [{ node: { displayName: "Ana", link: { id: LINK_ID, status: "VALID" } } }],
        },
        known: { id: "2", name: "erebor_mx_retail" },
        unknown: null,
      },
    });
  });
});
