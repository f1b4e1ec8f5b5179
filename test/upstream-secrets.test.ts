/** Belvo's error answers never carry a secret back to a client, in any encoding (issue 12, item 3). */
import { REQUEST_ID, errorList, LINK_ID, resumeInput } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import {
  ResumeBalancesDocument,
  ResumeLinkDocument,
  type ResumeLinkInput,
} from "../packages/client/src/generated.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { BASIC_AUTH, SECRET_ID, SECRET_PASSWORD } from "./helpers/gateway.js";

const REGISTER = `mutation Register($input: RegisterLinkInput!) {
  registerLink(input: $input) { __typename ... on Link { id } ... on MfaChallenge { session } }
}`;
const RETRIEVE = `mutation Retrieve($input: RetrieveBalancesInput!) {
  retrieveBalances(input: $input) { __typename ... on BalanceList { saved } }
}`;

const TOKEN = "Tok3nAb9xY";
const BANK_PASSWORD = 'p@ss "wörd"/x+1';
const USERNAME = "ana.lopez@example.com";
const LOGIN_INPUT = {
  institution: "erebor_mx_retail",
  username: USERNAME,
  password: BANK_PASSWORD,
};

/**
 * One gateway for the file. Every test answers for the same link and login, and what is proven
 * here is each answer, not the caps on failed attempts (security.test.ts proves those): the caps
 * are set out of reach, so one test's failures do not refuse the next.
 */
const kit = useGateway({
  upstream: "fake",
  timeoutMs: 2_000,
  limits: { mfaMaxFailures: 1_000_000, loginMaxFailures: 1_000_000 },
});

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** The forms a careless upstream might echo a secret in. */
const ENCODINGS: [string, (secret: string) => string][] = [
  ["exact", (secret) => secret],
  ["upper-cased", (secret) => secret.toUpperCase()],
  ["lower-cased", (secret) => secret.toLowerCase()],
  ["URL-encoded", (secret) => encodeURIComponent(secret)],
  ["URL-encoded, upper-cased", (secret) => encodeURIComponent(secret).toUpperCase()],
  ["base64", (secret) => b64(secret)],
  ["base64 inside a longer value (offset 1)", (secret) => b64(`{${secret}}`)],
  ["base64 inside a longer value (offset 2)", (secret) => b64(`{"${secret}"}`)],
  ["base64url", (secret) => b64(secret).replace(/\+/g, "-").replace(/\//g, "_")],
  ["JSON-escaped", (secret) => JSON.stringify(secret).slice(1, -1)],
];

/** True when `text` still holds `secret` in a form above (or decodable from a base64 run). */
function holds(text: string, secret: string): boolean {
  const lower = text.toLowerCase();
  if (ENCODINGS.some(([, encode]) => lower.includes(encode(secret).toLowerCase()))) return true;
  const runs = text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? [];
  return runs.some((run) =>
    [0, 1, 2, 3].some((skip) =>
      Buffer.from(run.slice(skip), "base64").toString("latin1").includes(secret),
    ),
  );
}

/** A resume by the typed client's document: both take the session, link and token. */
type ResumeDocument = TypedDocumentNode<unknown, { input: ResumeLinkInput }>;
const resume = (document: ResumeDocument, token = TOKEN) =>
  kit.post(document, { input: resumeInput(token) });

const secrets: [string, string][] = [
  ["the secret id", SECRET_ID],
  ["the secret password", SECRET_PASSWORD],
  ["the Basic pair", `${SECRET_ID}:${SECRET_PASSWORD}`],
  ["the MFA token", TOKEN],
];

describe("Belvo's free text", () => {
  it("a 500 echoing the Authorization header is quoted with the header cut", async () => {
    kit.fake.reply({
      status: 500,
      body: errorList(
        "unexpected_error",
        `Upstream failed. Request headers: {"Authorization": "${BASIC_AUTH}", "Accept": "application/json"}`,
      ),
    });
    const { body } = await resume(ResumeLinkDocument);
    const [error] = body.errors as { message: string }[];
    expect(error?.message).toBe(
      'Belvo failed (HTTP 500 unexpected_error): Upstream failed. Request headers: {"Authorization": "Basic [redacted]", "Accept": "application/json"}',
    );
  });

  describe.each(secrets)("%s", (_name, secret) => {
    it.each(ENCODINGS)("%s is cut from a quoted message", async (_encoding, encode) => {
      kit.fake.reply({
        status: 400,
        body: errorList("login_error", `Refused: ${encode(secret)} (see the logs)`),
      });
      const { body } = await resume(ResumeBalancesDocument);
      const text = JSON.stringify(body);
      expect(holds(text, secret)).toBe(false);
      expect(text).toContain("Belvo refused the request (HTTP 400 login_error): Refused: ");
    });
  });

  it.each(ENCODINGS)(
    "the bank password and username, %s, are cut from registerLink's error",
    async (_encoding, encode) => {
      kit.fake.reply({
        status: 400,
        body: errorList(
          "login_error",
          `Login for ${encode(USERNAME)} with ${encode(BANK_PASSWORD)} failed`,
        ),
      });
      const { body } = await kit.post(REGISTER, {
        input: { institution: "erebor_mx_retail", username: USERNAME, password: BANK_PASSWORD },
      });
      const text = JSON.stringify(body);
      expect(holds(text, BANK_PASSWORD)).toBe(false);
      expect(holds(text, USERNAME)).toBe(false);
      expect(text).toContain("Belvo refused the request (HTTP 400 login_error): Login for ");
    },
  );

  const ODD_PASSWORD = "Sécret(pw)!*";
  it.each([
    ["percent-encoded every byte", "S%C3%A9cret%28pw%29%21%2A"],
    ["as a Python bytes repr", "b'S\\xc3\\xa9cret(pw)!*'"],
    ["as HTML entities", "&#83;&#233;&#99;&#114;&#101;&#116;&#40;&#112;&#119;&#41;&#33;&#42;"],
    ["cut short", "Sécre"],
    ["decomposed (NFD)", ODD_PASSWORD.normalize("NFD")],
  ])("a password echoed %s keeps Belvo's text out of the answer", async (_form, echoed) => {
    kit.fake.reply({
      status: 400,
      body: errorList("login_error", `Wrong password ${echoed} for you`),
    });
    const { body } = await kit.post(REGISTER, {
      input: { ...LOGIN_INPUT, password: ODD_PASSWORD },
    });
    expect((body.errors as { message: string }[])[0]?.message).toBe(
      "Belvo refused the request (HTTP 400 login_error)",
    );
  });
});

describe("Belvo's free text: what is never quoted", () => {
  it("plain words are quoted as they are", async () => {
    const text = "Basic information is missing: the token expired, Bearer of the account unknown";
    kit.fake.reply({ status: 400, body: errorList("login_error", text) });
    const { body } = await resume(ResumeLinkDocument);
    expect((body.errors as { message: string }[])[0]?.message).toBe(
      `Belvo refused the request (HTTP 400 login_error): ${text}`,
    );
  });

  it("any Bearer or Basic credential is cut, whoever's it is", async () => {
    kit.fake.reply({
      status: 500,
      body: errorList(
        "unexpected_error",
        "Forwarded authorization: bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
      ),
    });
    const { body } = await resume(ResumeLinkDocument);
    expect((body.errors as { message: string }[])[0]?.message).toBe(
      "Belvo failed (HTTP 500 unexpected_error): Forwarded authorization: bearer [redacted]",
    );
  });

  it("a certificate or key (too long to cut in every form) means Belvo's text is not quoted", async () => {
    const privateKey = Buffer.alloc(3000, 9).toString("base64");
    kit.fake.reply({ status: 400, body: errorList("login_error", `Bad key ${privateKey}`) });
    const { body } = await kit.post(REGISTER, {
      input: { ...LOGIN_INPUT, certificate: "Y2VydGlmaWNhdGU=", privateKey },
    });
    expect((body.errors as { message: string }[])[0]?.message).toBe(
      "Belvo refused the request (HTTP 400 login_error)",
    );
  });

  it("a secret too short to cut safely means Belvo's text is not quoted at all", async () => {
    kit.fake.reply({ status: 400, body: errorList("login_error", "Token 7 refused") });
    const { body } = await resume(ResumeLinkDocument, "7");
    expect((body.errors as { message: string }[])[0]?.message).toBe(
      "Belvo refused the request (HTTP 400 login_error)",
    );
  });
});

describe("Belvo's code, field and request id", () => {
  it("a code outside Belvo's known list is not repeated", async () => {
    kit.fake.reply({
      status: 400,
      body: [{ code: `bad_${TOKEN}`, message: "No", request_id: REQUEST_ID }],
    });
    const { body } = await resume(ResumeLinkDocument);
    const [error] = body.errors as { message: string; extensions: Record<string, unknown> }[];
    expect(error?.message).toBe("Belvo refused the request (HTTP 400): No");
    expect(error?.extensions.upstream).toEqual({ status: 400, code: null, requestId: REQUEST_ID });
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it("a request id not in Belvo's format (32 hex digits) is not repeated", async () => {
    kit.fake.reply({
      status: 400,
      body: [{ code: "login_error", message: "No", request_id: `${TOKEN}-${SECRET_PASSWORD}` }],
    });
    const { body } = await resume(ResumeLinkDocument);
    const [error] = body.errors as { extensions: Record<string, unknown> }[];
    expect(error?.extensions.upstream).toEqual({
      status: 400,
      code: "login_error",
      requestId: null,
    });
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(JSON.stringify(body)).not.toContain(SECRET_PASSWORD);
  });

  it("a field outside the input's own fields is not repeated", async () => {
    kit.fake.reply({
      status: 400,
      body: errorList("invalid", "This field is wrong.", { field: `token=${TOKEN}` }),
    });
    const { body } = await resume(ResumeLinkDocument);
    const [error] = body.errors as { message: string; extensions: Record<string, unknown> }[];
    expect(error?.message).toBe("Belvo rejected the input: This field is wrong.");
    expect(error?.extensions).not.toHaveProperty("field");
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it.each([
    ["resumeLink", ResumeLinkDocument, "token", "input.token"],
    ["resumeBalances", ResumeBalancesDocument, "save_data", "input.saveData"],
  ])("%s: a field error names the input's path (%s → %s)", async (_name, document, field, path) => {
    kit.fake.reply({ status: 400, body: errorList("invalid", "This field is wrong.", { field }) });
    const { body } = await resume(document);
    const [error] = body.errors as { message: string; extensions: Record<string, unknown> }[];
    expect(error?.message).toBe(`Belvo rejected the input (${path}): This field is wrong.`);
    expect(error?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: path });
  });

  it("retrieveBalances' date_from error is input.dateFrom", async () => {
    kit.fake.reply({
      status: 400,
      body: errorList("invalid", "Bad date.", { field: "date_from" }),
    });
    const { body } = await kit.post(RETRIEVE, {
      input: { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-10" },
    });
    const [error] = body.errors as { extensions: Record<string, unknown> }[];
    expect(error?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.dateFrom" });
  });
});
