/**
 * Saved data, page by page (issue 25) against the emulator: the login with a long history, walked
 * whole at 1,000 a page, filtered as Belvo filters, and refused before any call.
 */
import { TEST_REQUEST_ID } from "./helpers/fixtures.js";
import type { GraphQLAnswer } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";

const kit = useGateway({ upstream: "emulator" });

const REGISTER = `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "user_history", password: "pass_valid"}) { ... on Link { id } } }`;

const PAGE = `query Page($link: ID!, $account: ID, $dateFrom: Date, $dateTo: Date, $first: Int, $after: String) {
  transactions(link: $link, account: $account, dateFrom: $dateFrom, dateTo: $dateTo, first: $first, after: $after) {
    edges { cursor node { id valueDate account { id } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

interface PageAnswer {
  edges: { cursor: string; node: { id: string; valueDate: string; account: { id: string } } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

let link: string;
beforeAll(async () => {
  const answer = await kit.post(REGISTER);
  link = (answer.body.data as { registerLink: { id: string } }).registerLink.id;
});

/** The emulator's own saved list: what a whole walk must yield. */
const saved = () => kit.sandbox.state.savedOf("transactions", link);

/** The gateway's Belvo GETs since the test began, as paths. */
const belvoCalls = () =>
  kit
    .lines()
    .filter((line) => line.msg === "belvo call")
    .map((line) => (line.upstream as { path: string }).path);

async function walk(variables: Record<string, unknown>) {
  const nodes: PageAnswer["edges"][number]["node"][] = [];
  const counts = new Set<number>();
  let after: string | null = null;
  do {
    const answer: GraphQLAnswer = await kit.post(PAGE, { link, ...variables, after });
    expect(answer.body.errors).toBeUndefined();
    const page: PageAnswer = (answer.body.data as { transactions: PageAnswer }).transactions;
    nodes.push(...page.edges.map((edge) => edge.node));
    counts.add(page.totalCount);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  return { nodes, counts: [...counts] };
}

it("walks the history login's thousands of transactions at 1,000 a page: each once, in Belvo's order, one GET a page", async () => {
  const all = saved();
  expect(all.length).toBeGreaterThan(2000);
  expect(new Set(all.map((item) => item.account.id)).size).toBeGreaterThanOrEqual(3);
  const { nodes, counts } = await walk({ first: 1000 });
  expect(nodes.map((node) => node.id)).toEqual(all.map((item) => item.id));
  expect(counts).toEqual([all.length]);
  expect(belvoCalls()).toEqual(
    Array.from({ length: Math.ceil(all.length / 1000) }, () => "/api/transactions/"),
  );
  // Months of history, newest first.
  expect(nodes[0]!.valueDate > nodes.at(-1)!.valueDate).toBe(true);
});

it("passes the account and dates through: the walk yields exactly what Belvo's filters keep", async () => {
  const account = saved()[0]!.account.id;
  // Newest first: a quarter down to half way through the history (months, whatever today is).
  const all = saved();
  const range = {
    dateFrom: all[Math.floor(all.length / 2)]!.value_date,
    dateTo: all[Math.floor(all.length / 4)]!.value_date,
  };
  const expected = all.filter(
    (item) =>
      item.account.id === account &&
      item.value_date >= range.dateFrom &&
      item.value_date <= range.dateTo,
  );
  expect(expected.length).toBeGreaterThan(50);
  const { nodes, counts } = await walk({ account, ...range, first: 40 });
  expect(nodes.map((node) => node.id)).toEqual(expected.map((item) => item.id));
  expect(counts).toEqual([expected.length]);
});

it("pages the link's accounts and owners, each pointing back to the link, and finds it among the app's links", async () => {
  const answer = await kit.post(
    // A literal `first` multiplies graphql-armor's MAX_COST (docs/pages.md): a variable does not.
    `query ($link: ID!, $many: Int) {
      accounts(link: $link, first: 2) { totalCount edges { node { id link { id } } } pageInfo { hasNextPage } }
      owners(link: $link) { totalCount edges { node { displayName link { id institution { name id } } } } }
      links(institution: "erebor_mx_retail", status: VALID, first: $many) { edges { node { id } } }
    }`,
    { link, many: 1000 },
  );
  const accounts = kit.sandbox.state.accountsOf(link);
  const owner = kit.sandbox.state.savedOf("owners", link)[0]!;
  expect(answer.body.errors).toBeUndefined();
  const data = answer.body.data as { links: { edges: { node: { id: string } }[] } };
  expect(answer.body).toEqual({
    data: {
      accounts: {
        totalCount: accounts.length,
        edges: accounts
          .slice(0, 2)
          .map((account) => ({ node: { id: account.id, link: { id: link } } })),
        pageInfo: { hasNextPage: true },
      },
      owners: {
        totalCount: 1,
        edges: [
          {
            node: {
              displayName: owner.display_name,
              link: { id: link, institution: { name: "erebor_mx_retail", id: expect.any(String) } },
            },
          },
        ],
      },
      links: data.links,
    },
  });
  expect(data.links.edges.map((edge) => edge.node.id)).toContain(link);
});

it("refuses a cursor moved to other filters, and a first over 1000, without calling Belvo", async () => {
  const first = await kit.post(PAGE, { link, first: 10 });
  const cursor = (first.body.data as { transactions: PageAnswer }).transactions.pageInfo.endCursor;
  kit.gateway.logs.length = 0;
  const moved = await kit.post(PAGE, { link, first: 10, dateFrom: "2026-01-01", after: cursor });
  const tooMany = await kit.post(PAGE, { link, first: 1001 });
  expect(
    [moved.body, tooMany.body].map(
      (body) => (body.errors as { extensions: unknown }[])[0]!.extensions,
    ),
  ).toEqual([
    { code: "BAD_USER_INPUT", field: "after", requestId: TEST_REQUEST_ID },
    { code: "BAD_USER_INPUT", field: "first", requestId: TEST_REQUEST_ID },
  ]);
  expect(belvoCalls()).toEqual([]);
});
