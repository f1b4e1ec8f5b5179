/**
 * TRUSTED_DOCUMENTS: only the typed client's documents run, by id (Apollo's persisted-query
 * extension) or by their full text; anything else is refused before validation.
 */
import { hash } from "node:crypto";
import { INSTITUTIONS as SANDBOX_INSTITUTIONS } from "../src/sandbox/institutions.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { BelvoGatewayClient } from "@belvo-graphql-gateway/client";
import { ConfigError } from "../src/config.js";
import { TrustedDocuments } from "../src/guards/trusted-documents.js";
import { EXAMPLE_VARIABLES } from "../src/landing.js";
import { useGateway } from "./helpers/kit.js";
import { refusal } from "./helpers/outcomes.js";
import { TEST_REQUEST_ID } from "./helpers/fixtures.js";
import { postGraphQL } from "./helpers/graphql.js";

const MANIFEST = new URL("../packages/client/src/trusted-documents.json", import.meta.url).pathname;
const listed = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
const [INSTITUTIONS_ID, INSTITUTIONS] = Object.entries(listed).find(([, text]) =>
  text.startsWith("query Institutions"),
)!;
const [RESUME_ID, RESUME] = Object.entries(listed).find(([, text]) =>
  text.startsWith("mutation ResumeLink"),
)!;

const kit = useGateway({
  upstream: "emulator",
  trustedDocuments: TrustedDocuments.fromFile(MANIFEST),
});

const refused = refusal(
  "PERSISTED_QUERY_NOT_ALLOWED",
  "This gateway runs only its trusted documents (the typed client's operations).",
);

const post = (body: unknown) =>
  request(kit.url)
    .post("/graphql")
    .set({ "content-type": "application/json", "x-request-id": TEST_REQUEST_ID })
    .send(JSON.stringify(body));

const byId = (id: unknown) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

it("the typed client's operations run as the client sends them", async () => {
  const client = new BelvoGatewayClient(`${kit.url}/graphql`);
  expect((await client.institutions()).map((institution) => institution?.name)).toEqual(
    SANDBOX_INSTITUTIONS.map(({ name }) => name),
  );
  expect(await client.resumeLink(EXAMPLE_VARIABLES.input)).toMatchObject({ __typename: "Link" });
});

it("a listed document runs by id alone, in a POST and in a GET", async () => {
  const posted = await post({ ...byId(RESUME_ID), variables: EXAMPLE_VARIABLES });
  expect(posted.status).toBe(200);
  expect(posted.body).toMatchObject({ data: { resumeLink: { __typename: "Link" } } });
  const extensions = encodeURIComponent(JSON.stringify(byId(INSTITUTIONS_ID).extensions));
  const got = await request(kit.url)
    .get(`/graphql?%65xtensions=${extensions}`)
    .set({ "apollo-require-preflight": "1" });
  expect(got.status).toBe(200);
  expect(got.body).toMatchObject({ data: { institutions: expect.any(Array) as unknown } });
});

it("a listed document runs by its text in a GET", async () => {
  const got = await request(kit.url)
    .get(`/graphql?query=${encodeURIComponent(INSTITUTIONS)}`)
    .set({ "apollo-require-preflight": "1" });
  expect(got.status).toBe(200);
});

describe("refused with 400 PERSISTED_QUERY_NOT_ALLOWED, before validation", () => {
  it.each<[string, unknown]>([
    ["a document not listed", { query: "{ institutions { name } }" }],
    ["an invalid document", { query: "{ nope }" }],
    ["a listed document with one space more", { query: `${RESUME} ` }],
    ["an id not listed", byId(hash("sha256", "{ institutions { name } }"))],
    ["an id of the wrong type", byId(12)],
    ["a persisted query without an id", { extensions: { persistedQuery: { version: 1 } } }],
    ["a listed id beside another text", { query: "{ institutions { name } }", ...byId(RESUME_ID) }],
    ["a query that is not a string", { query: ["{ institutions { name } }"] }],
  ])("%s (POST)", async (_case, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(refused);
  });

  it.each([
    [
      "a document not listed, percent-encoded",
      `%71uery=${encodeURIComponent("{ institutions { name } }")}`,
    ],
    [
      "two queries",
      `query=${encodeURIComponent(INSTITUTIONS)}&query=${encodeURIComponent("{ institutions { name } }")}`,
    ],
    ["extensions that are not JSON", `extensions=%7Bnope`],
  ])("%s (GET)", async (_case, search) => {
    const response = await request(kit.url)
      .get(`/graphql?${search}`)
      .set({ "apollo-require-preflight": "1", "x-request-id": TEST_REQUEST_ID });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(refused);
  });
});

it("without TRUSTED_DOCUMENTS, any document runs", async () => {
  const open = await kit.another({ trustedDocuments: undefined });
  const { status } = await postGraphQL(open.url, "{ institutions { name } }");
  expect(status).toBe(200);
});

describe("a manifest that cannot be trusted stops start-up, naming the setting", () => {
  const dir = mkdtempSync(join(tmpdir(), "trusted-"));
  it.each([
    ["not JSON", "{nope", "TRUSTED_DOCUMENTS: the manifest is not JSON"],
    ["a list", "[]", "TRUSTED_DOCUMENTS: expected a JSON object of sha256 → document."],
    [
      "an id that is not the text's hash",
      JSON.stringify({ ["0".repeat(64)]: "{ institutions { name } }" }),
      `TRUSTED_DOCUMENTS: entry "${"0".repeat(64)}" is not the sha256 (hex) of its document.`,
    ],
  ])("%s", (_case, content, message) => {
    const path = join(dir, `${_case.replace(/\W/g, "-")}.json`);
    writeFileSync(path, content);
    expect(() => TrustedDocuments.fromFile(path)).toThrow(ConfigError);
    expect(() => TrustedDocuments.fromFile(path)).toThrow(message);
  });

  it("a missing file", () => {
    expect(() => TrustedDocuments.fromFile(join(dir, "absent.json"))).toThrow(
      "TRUSTED_DOCUMENTS: the manifest cannot be read",
    );
  });
});
