/**
 * The cross-site check (src/edge/cross-site.ts), attacked: no request a page on another site could
 * make a browser send reaches Belvo, however its parameters, media types and headers are spelled;
 * a GET with a valid key runs without the preflight header, and only with a valid key.
 */
import fc from "fast-check";
import request from "supertest";
import { LINK_ID, LINK_REPLY } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";

const KEY = "cross-site-key-8d2f60";
const QUERY = `{ link(id: "${LINK_ID}") { id } }`;

const kit = useGateway({ upstream: "fake", lazy: true, route: () => LINK_REPLY });

/** `name` with each character percent-encoded or not (Apollo decodes `%71uery` as `query`). */
const spelled = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((choices) =>
      [...name]
        .map((char, index) => (choices[index] ? `%${char.charCodeAt(0).toString(16)}` : char))
        .join(""),
    );

/** A media type a browser sends without asking first, in any case, with or without parameters. */
const simpleMediaType = fc
  .tuple(
    fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"),
    fc.boolean(),
    fc.constantFrom("", "; charset=utf-8", ";boundary=x", " ; q=1"),
  )
  .map(([type, upper, parameters]) => `${upper ? type.toUpperCase() : type}${parameters}`);

const accept = fc.constantFrom(
  undefined,
  "*/*",
  "application/json",
  "application/graphql-response+json",
  "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "image/avif,image/webp,*/*",
);

/** A cross-site page may send any Basic credential the browser keeps, never a Bearer key. */
const authorization = fc.constantFrom(undefined, "Basic dXNlcjpwYXNz", "Bearer not-a-key");

const headers = (entries: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;

it("no GET without a preflight header or a valid key reaches Belvo, however spelled (development, no keys)", async () => {
  const gateway = await kit.another();
  await fc.assert(
    fc.asyncProperty(
      spelled("query"),
      fc.option(simpleMediaType, { nil: undefined }),
      accept,
      authorization,
      async (name, contentType, acceptHeader, credential) => {
        kit.fake.requests.length = 0;
        const response = await request(gateway.url)
          .get(`/graphql?${name}=${encodeURIComponent(QUERY)}`)
          .set(
            headers({
              "content-type": contentType,
              accept: acceptHeader,
              authorization: credential,
            }),
          );
        expect(kit.fake.requests).toEqual([]);
        // Refused in the gateway's words, or Apollo's landing page to a browser, which runs nothing.
        if (response.status === 200) expect(response.headers["content-type"]).toBe("text/html");
        else expect(response.status).toBe(400);
      },
    ),
    { numRuns: 120 },
  );
});

it("no POST of a form or text body reaches Belvo, even with a preflight header or a valid key", async () => {
  const gateway = await kit.another({ apiKeys: [KEY] });
  await fc.assert(
    fc.asyncProperty(simpleMediaType, fc.boolean(), async (contentType, preflight) => {
      kit.fake.requests.length = 0;
      const response = await request(gateway.url)
        .post("/graphql")
        .set(
          headers({
            "content-type": contentType,
            authorization: `Bearer ${KEY}`,
            "apollo-require-preflight": preflight ? "true" : undefined,
          }),
        )
        .send(JSON.stringify({ query: QUERY }));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        errors: [
          {
            message: expect.stringContaining("`Content-Type: application/json`") as unknown,
            extensions: { code: "BAD_REQUEST" },
          },
        ],
      });
      expect(kit.fake.requests).toEqual([]);
    }),
    { numRuns: 40 },
  );
});

it("a GET with a valid key runs without the preflight header; any other credential does not", async () => {
  const gateway = await kit.another({ apiKeys: [KEY] });
  const get = (credential: string) =>
    request(gateway.url)
      .get(`/graphql?query=${encodeURIComponent(QUERY)}`)
      .set({ authorization: credential });
  const served = await get(`Bearer ${KEY}`);
  expect([served.status, served.body]).toEqual([200, { data: { link: { id: LINK_ID } } }]);
  expect(kit.fake.requests.map((sent) => sent.method)).toEqual(["GET"]);
  kit.fake.requests.length = 0;
  for (const credential of [`Bearer ${KEY}x`, `Basic ${KEY}`, KEY, `Bearer  ${KEY}`]) {
    expect((await get(credential)).status).toBe(401);
  }
  expect(kit.fake.requests).toEqual([]);
});

it.each<Record<string, string>>([
  { accept: "text/html" },
  { accept: "text/html", "apollo-require-preflight": "true" },
])(
  "a browser loading /graphql in development gets the landing page, whatever the query string asks: %j",
  async (sent) => {
    const gateway = await kit.another();
    const response = await request(gateway.url)
      .get(`/graphql?query=${encodeURIComponent(QUERY)}`)
      .set(sent);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(kit.fake.requests).toEqual([]);
  },
);

it("in production (anonymous allowed), a browser's GET is refused: there is no landing page", async () => {
  const gateway = await kit.another({ production: true });
  const response = await request(gateway.url)
    .get(`/graphql?query=${encodeURIComponent(QUERY)}`)
    .set({ accept: "text/html" });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ errors: [{ extensions: { code: "BAD_REQUEST" } }] });
  expect(kit.fake.requests).toEqual([]);
});
