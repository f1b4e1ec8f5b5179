/**
 * Execution (graphql-jit behind Apollo): a document's operations are compiled one by one, and
 * what graphql-jit is not given runs as graphql-js would run it.
 */
import { getIntrospectionQuery, graphql } from "graphql";
import request from "supertest";
import { buildGatewaySchema } from "../src/schema.js";
import { LINK_BODY, LINK_ID, resumeInput } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";

const TWO_OPERATIONS = `
  mutation Ids($input: ResumeLinkInput!) { resumeLink(input: $input) { ... on Link { id } } }
  mutation Statuses($input: ResumeLinkInput!) { resumeLink(input: $input) { ... on Link { status } } }
`;
const variables = { input: resumeInput("123456") };

const kit = useGateway({
  upstream: "fake",
  replies: [{ status: 200, body: LINK_BODY }],
});

function post(body: Record<string, unknown>, accept = "application/json") {
  return request(kit.url)
    .post("/graphql")
    .set({ "content-type": "application/json", accept })
    .send({ query: TWO_OPERATIONS, variables, ...body });
}

it("runs the operation named, each one compiled on its own, however often they alternate", async () => {
  for (const [operationName, expected] of [
    ["Ids", { id: LINK_ID }],
    ["Statuses", { status: "VALID" }],
    ["Ids", { id: LINK_ID }],
    ["Statuses", { status: "VALID" }],
  ] as const) {
    const response = await post({ operationName });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { resumeLink: expected } });
  }
  expect(kit.fake.requests).toHaveLength(4);
});

it("answers the same before and after an operation is compiled (the default: on its 2nd run)", async () => {
  const defaults = await kit.another({ jitCompileOn: undefined });
  const answers = [];
  for (let run = 0; run < 3; run++) {
    const response = await request(defaults.url)
      .post("/graphql")
      .set("content-type", "application/json")
      .send({ query: TWO_OPERATIONS, variables, operationName: "Statuses" });
    answers.push([response.status, response.body]);
  }
  expect(answers).toEqual(Array(3).fill([200, { data: { resumeLink: { status: "VALID" } } }]));
});

describe.each([
  // GraphQL over HTTP: the operation cannot be determined, a request error.
  ["application/json", 200],
  ["application/graphql-response+json", 400],
])("accepting %s: HTTP %i", (accept, status) => {
  it.each([
    ["no operation name", {}, "Must provide operation name if query contains multiple operations."],
    ["an unknown one", { operationName: "Nope" }, 'Unknown operation named "Nope".'],
  ])(
    "answers graphql-js's own error for %s, without calling Belvo",
    async (_case, body, message) => {
      const response = await post(body, accept);
      expect(response.status).toBe(status);
      expect(response.headers["content-type"]).toBe(`${accept}; charset=utf-8`);
      expect(response.body).toEqual({
        errors: [
          {
            message,
            extensions: { code: "OPERATION_RESOLUTION_FAILURE", requestId: expect.any(String) },
          },
        ],
      });
      expect(kit.fake.requests).toHaveLength(0);
    },
  );
});

it("answers the full introspection query (Apollo Sandbox's) exactly as graphql-js does", async () => {
  const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true });
  const expected = await graphql({ schema: await buildGatewaySchema(), source: query });
  const response = await request(kit.url)
    .post("/graphql")
    .set("content-type", "application/json")
    .send({ query });
  expect(response.status).toBe(200);
  expect(response.body).toEqual(JSON.parse(JSON.stringify(expected)));
});
