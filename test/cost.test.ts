/**
 * The upstream cost budget (MAX_UPSTREAM_COST): a document that could make more Belvo requests
 * than one operation may is refused before execution, HTTP 400 QUERY_TOO_COSTLY, with nothing sent
 * upstream; every operation of the typed client passes under the default; the requests actually
 * sent are in the operation's log line and metrics.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
// Its CommonJS build, which loads the same graphql module as the gateway does under jest (its ESM
// build imports graphql/index.mjs, another copy).
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity/cjs";
import request from "supertest";
import { DEFAULT_LIMITS, loadConfig } from "../src/config.js";
import { upstreamCost } from "../src/guards/upstream-cost.js";
import { buildGatewaySchema } from "../src/schema.js";
import { LINK_BODY, LINK_ID, TEST_REQUEST_ID } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

/** The cost of a document's only operation. */
function costOf(source: string): number {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  return upstreamCost(schema, document, operation);
}

const MANIFEST = new URL("../packages/client/src/trusted-documents.json", import.meta.url);
const CLIENT_DOCUMENTS = Object.values(
  JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>,
);

const LINK_IDS = Array.from(
  { length: 20 },
  (_, i) => `683005d6-f45c-4adb-b289-${String(i).padStart(12, "0")}`,
);
/** `a0: link(id: …) { id } a1: …`: one GET each, tried up to 3 times. */
const aliasedLinks = (count: number) =>
  LINK_IDS.slice(0, count)
    .map((id, i) => `a${i}: link(id: "${id}") { id }`)
    .join(" ");
const retrieval = (alias: string) =>
  `${alias}: retrieveTransactions(input: {link: "${LINK_ID}", dateFrom: "2026-01-01"}) { __typename }`;

// A read counts 3 (its attempts), a write 10, a resume one read more (the link's status
// after MFA_SESSION_EXPIRED); the items of a list load their absent fields in one batch.
const KNOWN_COSTS = {
  RegisterLink: 13,
  ResumeLink: 16,
  RetrieveBalances: 13,
  ResumeBalances: 16,
  RetrieveAccounts: 13,
  ResumeAccounts: 16,
  RetrieveTransactions: 13,
  ResumeTransactions: 16,
  RetrieveOwners: 10,
  ResumeOwners: 13,
  // A link's life: each a write; UpdateLink and SetLinkAccessMode load the institution's name.
  UpdateLink: 13,
  RefreshLink: 10,
  SetLinkAccessMode: 13,
  DeleteLink: 10,
  CreateWidgetToken: 10,
  Link: 6,
  LinkAccounts: 12,
  Balances: 6,
  Institutions: 3,
  // A page: two reads (a cursor may start a window across two Belvo pages), and its
  // items' loads.
  Transactions: 9,
  Accounts: 9,
  Owners: 6,
  Links: 9,
  Institution: 6,
  // Events are the gateway's own: reading them costs Belvo nothing.
  KeptLinkEvents: 0,
  LinkEvents: 0,
};

describe("the estimate", () => {
  it("passes every operation of the typed client under the default budget, each at its known cost", () => {
    const costs = Object.fromEntries(
      CLIENT_DOCUMENTS.map((source) => {
        const operation = parse(source).definitions.find(
          (definition) => definition.kind === Kind.OPERATION_DEFINITION,
        ) as OperationDefinitionNode;
        return [operation.name!.value, costOf(source)];
      }),
    );
    expect(costs).toEqual(KNOWN_COSTS);
    expect(Math.max(...Object.values(costs))).toBeLessThanOrEqual(DEFAULT_LIMITS.maxUpstreamCost);
  });

  it("counts every alias, every spread of a fragment, and nested inline fragments", () => {
    expect(costOf(`{ ${aliasedLinks(20)} }`)).toBe(60);
    expect(
      costOf(`mutation { ${Array.from({ length: 20 }, (_, i) => retrieval(`r${i}`)).join(" ")} }`),
    ).toBe(200);
    // One fragment of five reads, spread four times (at the root and inside inline fragments).
    expect(
      costOf(
        `query { ...F ... on Query { ...F ... { ...F ... on Query { ...F } } } } fragment F on Query { ${aliasedLinks(5)} }`,
      ),
    ).toBe(60);
    // Fragments spreading fragments: 2 × 2 × 2 spreads of one read.
    expect(
      costOf(
        `query { ...A } fragment A on Query { ...B ...B } fragment B on Query { ...C ...C } fragment C on Query { ... { ...D ...D } } fragment D on Query { a0: link(id: "${LINK_ID}") { id } }`,
      ),
    ).toBe(24);
    // @skip and @include count as included: the cost does not depend on the variables.
    expect(
      costOf(
        `query ($no: Boolean!) { ${aliasedLinks(1)} b: link(id: "${LINK_ID}") @include(if: $no) { id } }`,
      ),
    ).toBe(6);
  });

  it("counts a batched load once per selection, whatever the length of the list it is in", () => {
    // The institution's name comes with the link; its display name is one batched load.
    expect(costOf(`{ link(id: "${LINK_ID}") { institution { name } } }`)).toBe(3);
    expect(
      costOf(`{ link(id: "${LINK_ID}") { institution { name displayName logo website } } }`),
    ).toBe(6);
    // Every balance's account loads its absent fields in one batch (of the accounts, not the
    // balances); its link in one more, and that link's accounts in another.
    expect(costOf(`{ balances(link: "${LINK_ID}") { id account { id } } }`)).toBe(3);
    expect(costOf(`{ balances(link: "${LINK_ID}") { account { name number } } }`)).toBe(6);
    expect(
      costOf(`{ balances(link: "${LINK_ID}") { account { name link { id accounts { id } } } } }`),
    ).toBe(12);
    // The institutions list brings every detail: none loads.
    expect(costOf(`{ institutions { name displayName formFields { name } } }`)).toBe(3);
  });
});

describe("a connection", () => {
  it("counts one GET for a page of any `first`, two when given `after` (a window may span two pages)", () => {
    const page = (args: string) =>
      costOf(`query ($a: String) { transactions(link: "${LINK_ID}"${args}) { totalCount } }`);
    expect(page("")).toBe(3);
    expect(page(", first: 1000")).toBe(3);
    expect(page(", first: 1, after: null")).toBe(3);
    expect(page(", first: 1000, after: $a")).toBe(6);
    expect(page(`, first: 10, after: "c"`)).toBe(6);
    // A page's items load what Belvo left out in one batch per selection, as any list's do.
    expect(
      costOf(`{ owners(link: "${LINK_ID}", first: 1000) { edges { node { link { status } } } } }`),
    ).toBe(6);
    expect(
      costOf(`{ links { edges { node { id institution { id name } accounts { id } } } } }`),
    ).toBe(9);
  });
});

describe("the cache", () => {
  it("is worked out once per document and read from a cache after (no new walk)", () => {
    const document = parse(`{ ${aliasedLinks(3)} }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(upstreamCost(schema, document, operation)).toBe(9);
    // A document Apollo keeps is the same object at every request: a changed node is not walked again.
    (operation.selectionSet as unknown as { selections: unknown[] }).selections = [];
    expect(upstreamCost(schema, document, operation)).toBe(9);
  });
});

/** A selection of a generated document: a root field, an inline fragment, or a spread. */
type Item = { field: number } | { inline: Item[] } | { spread: number };

const ROOT_FIELDS = {
  query: [
    `link(id: "${LINK_ID}") { id status }`,
    `institutions { name displayName }`,
    `balances(link: "${LINK_ID}") { id valueDate }`,
    `transactions(link: "${LINK_ID}", first: 5, after: "c") { totalCount }`,
    `accounts(link: "${LINK_ID}", first: 5) { totalCount }`,
  ],
  mutation: [
    `retrieveOwners(input: {link: "${LINK_ID}"}) { __typename }`,
    `resumeLink(input: {session: "${"a".repeat(32)}", link: "${LINK_ID}"}) { __typename }`,
    retrieval("x").slice(3),
    `retrieveAccounts(input: {link: "${LINK_ID}"}) { __typename }`,
    `resumeAccounts(input: {session: "${"b".repeat(32)}", link: "${LINK_ID}"}) { __typename }`,
  ],
};
const FRAGMENTS = 4;

const items: fc.Arbitrary<Item[]> = fc.letrec<{ item: Item; items: Item[] }>((tie) => ({
  item: fc.oneof(
    { depthSize: "small" },
    fc.record({ field: fc.nat(4) }),
    fc.record({ spread: fc.nat(FRAGMENTS - 1) }),
    fc.record({ inline: tie("items") }),
  ),
  items: fc.array(tie("item"), { maxLength: 4 }),
})).items;

/** A document of `kind` whose operation selects `root`, with fragments F0…F3 (Fk spreads only later ones). */
function printDocument(kind: "query" | "mutation", root: Item[], fragments: Item[][]): string {
  let alias = 0;
  const print = (selections: Item[], within: number): string =>
    selections
      .map((item) => {
        if ("field" in item) return `a${alias++}: ${ROOT_FIELDS[kind][item.field]}`;
        if ("inline" in item) return `... { __typename ${print(item.inline, within)} }`;
        return item.spread > within ? `...F${item.spread}` : `a${alias++}: ${ROOT_FIELDS[kind][0]}`;
      })
      .join(" ");
  const type = kind === "query" ? "Query" : "Mutation";
  const definitions = fragments.map(
    (body, k) => `fragment F${k} on ${type} { __typename ${print(body, k)} }`,
  );
  return `${kind} { __typename ${print(root, -1)} } ${definitions.join(" ")}`;
}

/** graphql-query-complexity, told what a root field costs: a read 3, a write 10, a resume 13. */
const rootFieldCost: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.name.startsWith("__")) return 0;
  // A connection given `after` may read two pages.
  if (type.name === "Query") return (args.after == null ? 3 : 6) + childComplexity;
  if (type.name === "Mutation")
    return (field.name.startsWith("resume") ? 13 : 10) + childComplexity;
  return childComplexity;
};

describe("beside graphql-query-complexity", () => {
  it("counts aliases, spreads and inline fragments as it does, on any document of root fields", () => {
    let highest = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("query" as const, "mutation" as const),
        items,
        fc.array(items, { minLength: FRAGMENTS, maxLength: FRAGMENTS }),
        (kind, root, fragments) => {
          const source = printDocument(kind, root, fragments);
          const expected = getComplexity({
            schema,
            query: parse(source),
            estimators: [rootFieldCost],
          });
          expect(costOf(source)).toBe(expected);
          highest = Math.max(highest, expected);
        },
      ),
      { numRuns: 300 },
    );
    // Not only empty documents: some ran to dozens of fields.
    expect(highest).toBeGreaterThan(100);
  });
});

describe("MAX_UPSTREAM_COST", () => {
  it("is 30 by default, a whole number from 1, and names itself when wrong", () => {
    expect(loadConfig({}).limits.maxUpstreamCost).toBe(30);
    expect(loadConfig({ MAX_UPSTREAM_COST: "200" }).limits.maxUpstreamCost).toBe(200);
    expect(() => loadConfig({ MAX_UPSTREAM_COST: "0" })).toThrow(
      'MAX_UPSTREAM_COST: expected a whole number from 1 to 1000000, got "0".',
    );
  });
});

/** gateway_operation_upstream_calls of the operations whose only root field is `link`. */
async function callsMetric(url: string): Promise<{ sum: number; count: number }> {
  const text = (await request(url).get("/metrics")).text;
  const read = (part: string) =>
    Number(
      new RegExp(
        `^gateway_operation_upstream_calls_${part}\\{operation="link"\\} (\\d+)$`,
        "m",
      ).exec(text)?.[1] ?? 0,
    );
  return { sum: read("sum"), count: read("count") };
}

const kit = useGateway({
  upstream: "fake",
  replies: [{ status: 200, body: LINK_BODY }],
  retryBaseMs: 1,
});

/** The whole refusal, as a client reads it. */
const refusal = (cost: number, limit = 30) => ({
  errors: [
    {
      message: `The operation could cost Belvo ${cost} (a read counts 3, its attempts; a write 10); one operation may cost ${limit} (MAX_UPSTREAM_COST). Split it into several operations.`,
      extensions: { code: "QUERY_TOO_COSTLY", cost, limit, requestId: TEST_REQUEST_ID },
    },
  ],
});

describe("refused before execution", () => {
  it("refuses 20 aliased retrieveTransactions: 400, nothing sent to Belvo", async () => {
    const mutation = `mutation { ${Array.from({ length: 20 }, (_, i) => retrieval(`r${i}`)).join(" ")} }`;
    const answer = await kit.post(mutation);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: refusal(200),
    });
    expect(kit.fake.requests).toEqual([]);
  });

  it("refuses them under an Idempotency-Key too, keeping nothing: the retry is refused alike", async () => {
    const mutation = `mutation { ${Array.from({ length: 20 }, (_, i) => retrieval(`r${i}`)).join(" ")} }`;
    const key = { "idempotency-key": "cost-key-0001" };
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await kit.post(mutation, {}, key);
      expect({
        status: answer.status,
        body: answer.body,
        replayed: answer.headers["idempotent-replayed"],
      }).toEqual({ status: 400, body: refusal(200), replayed: undefined });
    }
    expect(kit.fake.requests).toEqual([]);
  });

  it("refuses 20 aliased link(id:) (60 requests with retries): 400, nothing sent", async () => {
    const answer = await kit.post(`query Many { ${aliasedLinks(20)} }`);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: refusal(60),
    });
    expect(kit.fake.requests).toEqual([]);
    expect(kit.lines().at(-1)).toMatchObject({
      operation: {
        name: "Many",
        fields: "link",
        outcome: "QUERY_TOO_COSTLY",
        upstreamCost: 60,
        upstreamCalls: 0,
      },
    });
  });

  it("refuses one fragment spread again and again, and reads hidden in nested inline fragments", async () => {
    const spreads = `query { ...F ... on Query { ...F ... { ...F ... on Query { ...F } } } } fragment F on Query { ${aliasedLinks(5)} }`;
    const nested = `query { ... { ... on Query { ... { ${aliasedLinks(11)} } } } }`;
    for (const [document, cost] of [
      [spreads, 60],
      [nested, 33],
    ] as const) {
      const answer = await kit.post(document);
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 400,
        body: refusal(cost),
      });
    }
    expect(kit.fake.requests).toEqual([]);
  });
});

describe("within the budget", () => {
  it("runs a document at the budget, and logs and counts the requests actually sent", async () => {
    // Ten reads cost 30, the budget; Belvo fails the first attempt of one: 11 requests.
    let first = true;
    kit.fake.route = () => {
      if (first) {
        first = false;
        return { status: 503, text: "busy" };
      }
      return { status: 200, body: LINK_BODY };
    };
    const before = await callsMetric(kit.url);
    const answer = await kit.post(`query Ten { ${aliasedLinks(10)} }`);
    expect(answer.status).toBe(200);
    expect(kit.fake.requests).toHaveLength(11);
    expect(kit.lines().at(-1)).toMatchObject({
      msg: "graphql operation",
      operation: { name: "Ten", outcome: "OK", upstreamCost: 30, upstreamCalls: 11 },
    });
    const after = await callsMetric(kit.url);
    expect({ sum: after.sum - before.sum, count: after.count - before.count }).toEqual({
      sum: 11,
      count: 1,
    });
  });

  it("follows MAX_UPSTREAM_COST: a lower budget refuses what the default runs", async () => {
    const strict = await kit.another({ limits: { maxUpstreamCost: 5 } });
    const answer = await request(strict.url)
      .post("/graphql")
      .set({ "content-type": "application/json", "x-request-id": TEST_REQUEST_ID })
      .send({ query: `{ ${aliasedLinks(2)} }` });
    expect({ status: answer.status, body: answer.body as unknown }).toEqual({
      status: 400,
      body: refusal(6, 5),
    });
    expect(kit.fake.requests).toEqual([]);
  });
});

describe("at run time", () => {
  it("stops following a list's pages once the operation has sent MAX_UPSTREAM_COST requests", async () => {
    // One list read is estimated at 3 (its first page): a list of 40 pages would send 40 GETs, and
    // ten aliases of it 400, far past the budget and Belvo's 80 requests per 30 s.
    kit.fake.route = (recorded) => {
      const page = Number(new URL(recorded.path, kit.fake.url).searchParams.get("page") ?? "1");
      return {
        status: 200,
        body: {
          count: 40_000,
          next: `${kit.fake.url}/api/institutions/?page_size=1000&page=${page + 1}`,
          previous: null,
          results: [{ name: `bank_${page}`, country_codes: ["MX"] }],
        },
      };
    };
    const answer = await kit.post("query Pages { institutions { name } }");
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: {
        data: null,
        errors: [
          {
            message:
              "Belvo's list went on past what one operation may cost (MAX_UPSTREAM_COST, 30 requests); the gateway stopped following it.",
            path: ["institutions"],
            extensions: {
              code: "UPSTREAM_ERROR",
              upstream: { status: 200, code: null, requestId: null },
              retryable: false,
              requestId: TEST_REQUEST_ID,
            },
          },
        ],
      },
    });
    expect(kit.fake.requests).toHaveLength(30);
  });

  it("stops a lazy field's batches of 100 once the operation has sent MAX_UPSTREAM_COST requests", async () => {
    // `links(first: $first)` with 1,000 lists 1,000 distinct links, whose `accounts` load in ten batches of
    // 100: five aliases are estimated at 30 (a page and a batch each) but would send 55 GETs.
    const institutions = ["bank_0", "bank_1", "bank_2", "bank_3", "bank_4"];
    const linkOf = (bank: number, i: number) =>
      `683005d6-f45c-4adb-b289-${String(bank * 1000 + i).padStart(12, "0")}`;
    kit.fake.route = (recorded) => {
      const url = new URL(recorded.path, kit.fake.url);
      if (url.pathname === "/api/accounts/") {
        return { status: 200, body: { count: 0, next: null, previous: null, results: [] } };
      }
      const bank = institutions.indexOf(url.searchParams.get("institution") ?? "");
      const results = Array.from({ length: 1000 }, (_, i) => ({
        ...LINK_BODY,
        id: linkOf(bank, i),
      }));
      return { status: 200, body: { count: 1000, next: null, previous: null, results } };
    };
    const aliases = institutions.map(
      (bank, i) =>
        `l${i}: links(first: $first, institution: "${bank}") { edges { node { id accounts { id } } } }`,
    );
    // `first` as a variable: MAX_COST multiplies a selection by a literal `first` only.
    const answer = await kit.post(`query Many($first: Int) { ${aliases.join(" ")} }`, {
      first: 1000,
    });
    expect(answer.status).toBe(200);
    const errors = (answer.body.errors ?? []) as { message: string; path: unknown[] }[];
    expect(new Set(errors.map((error) => error.message))).toEqual(
      new Set([
        "Belvo's list went on past what one operation may cost (MAX_UPSTREAM_COST, 30 requests); the gateway stopped following it.",
      ]),
    );
    // Five pages and 25 batches were sent; the 2,500 links of the other 25 batches say why not.
    expect(errors).toHaveLength(2_500);
    expect(kit.fake.requests).toHaveLength(30);
  });
});
