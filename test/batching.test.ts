/** Related data: one upstream call per type per operation, proven from the upstream's record. */
import {
  ACCOUNT_BODY,
  LINK_BODY,
  LINK_ID,
  TEST_REQUEST_ID,
  resumeInput,
  institutionBody,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { type RecordedRequest, type Reply } from "./helpers/fake-upstream.js";

const ACCOUNT_IDS = [
  "0d3f5a7c-9e1b-4d2f-8a6c-4e0b2d4f6a81",
  "0d3f5a7c-9e1b-4d2f-8a6c-4e0b2d4f6a82",
  "0d3f5a7c-9e1b-4d2f-8a6c-4e0b2d4f6a83",
];
const INSTITUTIONS = ["erebor_mx_retail", "gringotts_mx_retail", "erebor_mx_retail"];

/** As Belvo embeds an account in a balance when asked to trim it: no balance_type, no identification. */
const embeddedAccount = (index: number) => ({
  id: ACCOUNT_IDS[index],
  link: LINK_ID,
  institution: { name: INSTITUTIONS[index], type: "bank" },
  name: `Account ${index}`,
  currency: "MXN",
});

const TEN_BALANCES = Array.from({ length: 10 }, (_, i) => ({
  id: `b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f${String(i).padStart(2, "0")}`,
  account: embeddedAccount(i % 3),
  value_date: `2026-01-${String(i + 1).padStart(2, "0")}`,
  balance: 100 + i,
}));

function page(results: unknown[], next: string | null = null): Reply {
  return { status: 200, body: { count: results.length, next, previous: null, results } };
}

function filterValues(request: RecordedRequest, name: string): string[] {
  return (new URL(request.path, "http://x").searchParams.get(name) ?? "").split(",");
}

/** Belvo's answers to the PATCH and to the batched reads (`?id__in=`, `?name__in=`). */
function belvo(request: RecordedRequest): Reply {
  if (request.method === "PATCH" && request.path === "/api/balances/")
    return { status: 201, body: TEN_BALANCES };
  if (request.path.startsWith("/api/accounts/")) {
    return page(
      filterValues(request, "id__in").map((id, i) => ({
        ...ACCOUNT_BODY,
        id,
        balance_type: `TYPE-${i}`,
        public_identification_value: `PID-${id.slice(-2)}`,
      })),
    );
  }
  if (request.path.startsWith("/api/institutions/")) {
    return page(
      filterValues(request, "name__in")
        .filter((name) => name !== "unknown_bank")
        .map((name) => institutionBody(name)),
    );
  }
  if (request.path.startsWith("/api/links/?"))
    return page(filterValues(request, "id__in").map((id) => ({ ...LINK_BODY, id })));
  return { status: 404, body: [{ code: "not_found", message: "Not found." }] };
}

const kit = useGateway({ upstream: "fake", route: belvo });

const resumeBalances = (selection: string) =>
  kit.post(
    `mutation($input: ResumeBalancesInput!) { resumeBalances(input: $input) { ... on BalanceList { balances { ${selection} } } } }`,
    { input: resumeInput("123456") },
  );

const readsOf = (prefix: string) =>
  kit.fake.requests.filter(
    (request) => request.method === "GET" && request.path.startsWith(prefix),
  );

it("10 balances over 3 accounts: one accounts call and one institutions call for all the details", async () => {
  const { body } = await resumeBalances(
    "id account { id name balanceType publicIdentificationValue institution { name displayName countryCodes status } link { id status } }",
  );
  const balances = (
    body.data as { resumeBalances: { balances: { account: Record<string, unknown> }[] } }
  ).resumeBalances.balances;
  expect(balances).toHaveLength(10);
  expect(balances[0]!.account).toEqual({
    id: ACCOUNT_IDS[0],
    name: "Account 0",
    balanceType: "TYPE-0",
    publicIdentificationValue: "PID-81",
    institution: {
      name: "erebor_mx_retail",
      displayName: "Display erebor_mx_retail",
      countryCodes: ["MX"],
      status: "healthy",
    },
    link: { id: LINK_ID, status: "VALID" },
  });
  expect(balances[4]!.account).toMatchObject({
    id: ACCOUNT_IDS[1],
    balanceType: "TYPE-1",
    institution: { displayName: "Display gringotts_mx_retail" },
  });
  expect(readsOf("/api/accounts/").map((request) => request.path)).toEqual([
    `/api/accounts/?id__in=${ACCOUNT_IDS.join(",")}&page_size=100`,
  ]);
  expect(readsOf("/api/institutions/").map((request) => request.path)).toEqual([
    "/api/institutions/?name__in=erebor_mx_retail,gringotts_mx_retail&page_size=100",
  ]);
  expect(readsOf("/api/links/").map((request) => request.path)).toEqual([
    `/api/links/?id__in=${LINK_ID}&page_size=100`,
  ]);
});

it("fields Belvo embedded, institution { name } among them, cost no call", async () => {
  const { body } = await resumeBalances("id account { id name currency institution { name } }");
  expect(
    (body.data as { resumeBalances: { balances: unknown[] } }).resumeBalances.balances,
  ).toHaveLength(10);
  expect(kit.fake.requests.map((request) => request.method)).toEqual(["PATCH"]);
});

it("each request gets its own loaders: a second operation calls again", async () => {
  await resumeBalances("account { balanceType }");
  await resumeBalances("account { balanceType }");
  expect(readsOf("/api/accounts/")).toHaveLength(2);
});

it("institutions(countryCode) lists them without any per-institution call", async () => {
  kit.fake.route = () =>
    page([institutionBody("erebor_mx_retail"), institutionBody("heimdall_mx_retail")]);
  const { body } = await kit.post('{ institutions(countryCode: "MX") { name displayName type } }');
  expect(body).toEqual({
    data: {
      institutions: [
        { name: "erebor_mx_retail", displayName: "Display erebor_mx_retail", type: "bank" },
        { name: "heimdall_mx_retail", displayName: "Display heimdall_mx_retail", type: "bank" },
      ],
    },
  });
  expect(kit.fake.requests.map((request) => request.path)).toEqual([
    "/api/institutions/?country_code=MX&page_size=1000",
  ]);
});

it("follows next pages on Belvo's host, and refuses to follow one to another host", async () => {
  kit.fake.route = (request) =>
    request.path.includes("page=2")
      ? page([institutionBody("heimdall_mx_retail")])
      : page(
          [institutionBody("erebor_mx_retail")],
          `${kit.fake.url}/api/institutions/?page_size=1000&page=2`,
        );
  const { body } = await kit.post("{ institutions { name } }");
  expect(body).toEqual({
    data: { institutions: [{ name: "erebor_mx_retail" }, { name: "heimdall_mx_retail" }] },
  });
  expect(kit.fake.requests).toHaveLength(2);

  kit.fake.requests.length = 0;
  kit.fake.route = () =>
    page(
      [institutionBody("erebor_mx_retail")],
      "https://elsewhere.example/api/institutions/?page=2",
    );
  const elsewhere = await kit.post("{ institutions { name } }");
  expect(elsewhere.body).toMatchObject({
    data: null,
    errors: [{ extensions: { code: "UPSTREAM_ERROR" } }],
  });
  expect(kit.fake.requests).toHaveLength(1);
});

it("an institution Belvo does not know has null details", async () => {
  kit.fake.route = (request) =>
    request.method === "PATCH"
      ? { status: 200, body: { ...LINK_BODY, institution: "unknown_bank" } }
      : page([]);
  const { body } = await kit.post(
    "mutation($input: ResumeLinkInput!) { resumeLink(input: $input) { ... on Link { institution { name displayName countryCodes } } } }",
    { input: resumeInput("1") },
  );
  expect(body).toEqual({
    data: {
      resumeLink: { institution: { name: "unknown_bank", displayName: null, countryCodes: [] } },
    },
  });
});

describe("link(id)", () => {
  it("answers the link, or null for a 404", async () => {
    kit.fake.route = (request) =>
      request.path === `/api/links/${LINK_ID}/`
        ? { status: 200, body: LINK_BODY }
        : { status: 404, body: [{ code: "not_found", message: "Not found." }] };
    const found = await kit.post(`{ link(id: "${LINK_ID}") { id status } }`);
    expect(found.body).toEqual({ data: { link: { id: LINK_ID, status: "VALID" } } });
    const missing = await kit.post('{ link(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(missing.body).toEqual({ data: { link: null } });
  });

  it("refuses an id that is not a UUID without calling Belvo", async () => {
    const { body } = await kit.post('{ link(id: "../accounts") { id } }');
    expect(body).toEqual({
      data: { link: null },
      errors: [
        {
          message: "Invalid id: expected a UUID.",
          path: ["link"],
          extensions: { code: "BAD_USER_INPUT", field: "id", requestId: TEST_REQUEST_ID },
        },
      ],
    });
    expect(kit.fake.requests).toEqual([]);
  });
});
