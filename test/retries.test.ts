/** Reads are tried again after a 5xx or a failed connection; writes are sent exactly once. */
import { LINK_BODY, errorList, LINK_ID, resumeInput } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { ResumeBalancesDocument, ResumeLinkDocument } from "../packages/client/src/generated.js";

const kit = useGateway({ upstream: "fake", retryBaseMs: 5 });

const LINK_QUERY = `{ link(id: "${LINK_ID}") { id status } }`;

it("a GET that fails twice (503, then a reset) and then succeeds answers the data", async () => {
  kit.fake.reply(
    { status: 503, body: errorList("service_unavailable", "Try later") },
    { fault: "reset-before-headers" },
    { status: 200, body: LINK_BODY },
  );
  const { body } = await kit.post(LINK_QUERY);
  expect(body).toEqual({ data: { link: { id: LINK_ID, status: "VALID" } } });
  expect(kit.fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
    Array(3).fill(`GET /api/links/${LINK_ID}/`),
  );
});

it("a GET is tried at most 3 times, then answers the last error", async () => {
  kit.fake.reply({ status: 500, body: errorList("unexpected_error", "Boom") });
  const { body } = await kit.post(LINK_QUERY);
  expect(body).toMatchObject({
    data: { link: null },
    errors: [
      { extensions: { code: "UPSTREAM_ERROR", upstream: { status: 500 }, retryable: true } },
    ],
  });
  expect(kit.fake.requests).toHaveLength(3);
});

it("a GET answered with a 4xx is not tried again", async () => {
  kit.fake.reply({ status: 403, body: errorList("permission_denied", "No") });
  await kit.post(LINK_QUERY);
  expect(kit.fake.requests).toHaveLength(1);
});

it("retries stop at the operation's deadline (the least pause, half of 2 s, would end past it)", async () => {
  await kit.restart({ retryBaseMs: 2_000, timeoutMs: 600 });
  kit.fake.reply({ status: 503, body: errorList("service_unavailable", "Later") });
  await kit.post(LINK_QUERY);
  expect(kit.fake.requests).toHaveLength(1);
});

it.each([
  ["resumeLink", ResumeLinkDocument],
  ["resumeBalances", ResumeBalancesDocument],
])("a failing %s PATCH is sent exactly once", async (_field, document) => {
  kit.fake.reply(
    { status: 503, body: errorList("service_unavailable", "Later") },
    { status: 200, body: LINK_BODY },
  );
  const { body } = await kit.post(document, {
    input: resumeInput("123456"),
  });
  expect(body).toMatchObject({
    errors: [{ extensions: { code: "UPSTREAM_ERROR", retryable: true } }],
  });
  expect(kit.fake.requests).toHaveLength(1);
});

it("a failing registerLink POST is sent exactly once, even when the connection resets", async () => {
  kit.fake.reply({ fault: "reset-before-headers" }, { status: 201, body: LINK_BODY });
  const { body } = await kit.post(
    "mutation($input: RegisterLinkInput!) { registerLink(input: $input) { __typename } }",
    { input: { institution: "erebor_mx_retail", username: "user_valid", password: "pass_valid" } },
  );
  expect(body).toMatchObject({ errors: [{ extensions: { code: "UPSTREAM_UNAVAILABLE" } }] });
  expect(kit.fake.requests).toHaveLength(1);
});
