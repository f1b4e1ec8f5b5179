/**
 * DNS rebinding: a web page whose name is re-pointed at 127.0.0.1 talks to a development gateway
 * as its own origin (CORS does not stop it), but it still names itself in `Host`. Only the
 * gateway's own names are served (HTTP 421 MISDIRECTED_REQUEST otherwise), before anything else:
 * no body read, no guard, no upstream call.
 */
import { connect, type Socket } from "node:net";
import { LINK_REPLY, resumeInput } from "./helpers/fixtures.js";
import { operation, RESUME_LINK } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";

const kit = useGateway({ upstream: "fake", replies: [LINK_REPLY] });
const METRICS_TOKEN = "metrics-token-0123456789";

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parse(text: string): RawAnswer {
  const [head = "", body = ""] = text.split("\r\n\r\n", 2);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(":");
    headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  return {
    status: Number(statusLine.split(" ")[1]),
    headers,
    body: headers["transfer-encoding"] === "chunked" ? dechunk(body) : body,
  };
}

function dechunk(text: string): string {
  let out = "";
  for (let at = 0; at < text.length;) {
    const end = text.indexOf("\r\n", at);
    const size = parseInt(text.slice(at, end), 16);
    if (!size) break;
    out += text.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
  return out;
}

/**
 * Writes `request` as is on a fresh connection and reads until the server closes it or stays
 * silent for `quietMs` (then null: no answer, the server still waits for the request).
 */
async function exchange(url: string, request: string, quietMs = 400): Promise<RawAnswer | null> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  socket.on("error", () => undefined);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(request);
  return new Promise((resolve) => {
    let timer = setTimeout(() => resolve(null), quietMs);
    const settle = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      resolve(text === "" ? null : parse(text));
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(settle, 100);
    });
    socket.once("close", settle);
  });
}

const BODY = JSON.stringify(operation(RESUME_LINK, { input: resumeInput("123456") }));

/** A POST whose body is announced whole but only half sent: an answer proves it was not read. */
function halfSentPost(host: string | null, version = "1.1"): string {
  return (
    `POST /graphql HTTP/${version}\r\n${host === null ? "" : `Host: ${host}\r\n`}` +
    `content-type: application/json\r\ncontent-length: ${BODY.length}\r\n\r\n` +
    BODY.slice(0, 20)
  );
}

function wholePost(host: string): string {
  return (
    `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n` +
    `content-type: application/json\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`
  );
}

const port = () => new URL(kit.url).port;

/** What a rebinding page, a proxy or a hand-made request may put in Host. */
const FOREIGN = [
  "evil.example",
  "evil.example:PORT",
  "127.0.0.1.nip.io:PORT",
  "localhost.evil.com",
  "LOCALHOST.",
  "localhost.:PORT",
  "evil.localhost",
  "localhost@evil.example",
  "evil.example@127.0.0.1",
  "%6cocalhost",
  "127.0.0.1%2eevil.example",
  "127.0.0.1:PORT/evil",
  "127.0.0.1:99999",
  "[::1].evil.example",
  "[::ffff:8.8.8.8]",
  "0x7f.evil",
  "xn--localhost-1234",
  "",
];

function expectMisdirected(answer: RawAnswer | null): void {
  expect(answer).not.toBeNull();
  expect(answer!.status).toBe(421);
  expect(answer!.headers.connection).toBe("close");
  const body = JSON.parse(answer!.body) as unknown;
  expect(body).toEqual({
    errors: [
      {
        message:
          "This gateway does not serve the host this request names: outside production it answers localhost, 127.0.0.1, [::1] and HOST; add other names to ALLOWED_HOSTS.",
        extensions: { code: "MISDIRECTED_REQUEST", requestId: answer!.headers["x-request-id"] },
      },
    ],
  });
}

describe("outside production", () => {
  it.each(FOREIGN)(
    "Host %j: 421 MISDIRECTED_REQUEST at once, the body unread, nothing sent upstream",
    async (host) => {
      expectMisdirected(await exchange(kit.url, halfSentPost(host.replace("PORT", port()))));
      expect(kit.fake.requests).toEqual([]);
    },
  );

  it("the refusal is in the media type the request accepts (a GraphQL client's here)", async () => {
    const request = halfSentPost("evil.example").replace(
      "content-type:",
      "accept: application/graphql-response+json, application/json;q=0.9\r\ncontent-type:",
    );
    const answer = await exchange(kit.url, request);
    expectMisdirected(answer);
    expect(answer!.headers["content-type"]).toBe(
      "application/graphql-response+json; charset=utf-8",
    );
  });

  it("a request without Host (HTTP/1.0) is refused the same way", async () => {
    expectMisdirected(await exchange(kit.url, halfSentPost(null, "1.0")));
    expect(kit.fake.requests).toEqual([]);
  });

  it("no guard counts a refused request: the request rate is untouched", async () => {
    const gateway = await kit.another({ limits: { ratePerMinute: 1 } });
    for (let i = 0; i < 3; i++)
      expectMisdirected(await exchange(gateway.url, wholePost("evil.example")));
    const own = await exchange(gateway.url, wholePost(new URL(gateway.url).host), 5_000);
    expect(JSON.parse(own!.body)).toMatchObject({ data: { resumeLink: { __typename: "Link" } } });
    expect(kit.fake.requests).toHaveLength(1);
  });

  it("the refusal names nothing the request sent, and is logged with its Host", async () => {
    const answer = await exchange(kit.url, halfSentPost("rebound-attacker.example"));
    expect(answer!.body).not.toContain("rebound-attacker");
    expect(kit.logs.join("")).toContain('"host":"rebound-attacker.example"');
  });
});

describe("outside production, the gateway's own names", () => {
  it.each([
    "127.0.0.1:PORT",
    "localhost:PORT",
    "LocalHost:PORT",
    "localhost",
    "127.8.9.10:PORT",
    "[::1]:PORT",
    "[0:0:0:0:0:0:0:1]:PORT",
    "2130706433:PORT",
  ])("Host %j (loopback) is served", async (host) => {
    const answer = await exchange(kit.url, wholePost(host.replace("PORT", port())), 5_000);
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer!.body)).toMatchObject({
      data: { resumeLink: { __typename: "Link" } },
    });
    expect(kit.fake.requests).toHaveLength(1);
  });

  it("waits for a half-sent body on an allowed Host (the refusals above did not)", async () => {
    expect(await exchange(kit.url, halfSentPost(`127.0.0.1:${port()}`))).toBeNull();
  });

  it("serves HOST and ALLOWED_HOSTS too, and still no other name", async () => {
    const gateway = await kit.another({
      host: "gateway.dev.internal",
      allowedHosts: ["app.test", "[fd00::7]"],
    });
    for (const host of ["gateway.dev.internal", "app.test:8080", "APP.TEST", "[fd00:0::7]:1"]) {
      expect((await exchange(gateway.url, wholePost(host), 5_000))?.status).toBe(200);
    }
    expectMisdirected(await exchange(gateway.url, halfSentPost("other.test")));
  });

  it("/health and /ready answer probes by any Host; /metrics only behind its token", async () => {
    const probe = (path: string, extra = "") =>
      exchange(
        kit.url,
        `GET ${path} HTTP/1.1\r\nHost: 10.1.2.3:4000\r\n${extra}connection: close\r\n\r\n`,
        5_000,
      );
    expect((await probe("/health"))?.status).toBe(200);
    expect((await probe("/ready?x=1"))?.status).toBe(200);
    expectMisdirected(await probe("/metrics"));
    expectMisdirected(await probe("/graphql?query=%7B__typename%7D"));
    expectMisdirected(await probe("/healthz"));
    const tokened = await kit.another({ metricsToken: METRICS_TOKEN });
    const scrape = (extra: string) =>
      exchange(
        tokened.url,
        `GET /metrics HTTP/1.1\r\nHost: 10.1.2.3:4000\r\n${extra}connection: close\r\n\r\n`,
        5_000,
      );
    expect((await scrape(`authorization: Bearer ${METRICS_TOKEN}\r\n`))?.status).toBe(200);
    expect((await scrape(""))?.status).toBe(401);
  });

  it("ALLOWED_HOSTS=* turns the check off", async () => {
    const open = await kit.another({ allowedHosts: "*" });
    expect((await exchange(open.url, wholePost("anything.example"), 5_000))?.status).toBe(200);
  });
});

describe("in production", () => {
  it("without ALLOWED_HOSTS, any Host is served (a load balancer names what it likes)", async () => {
    const gateway = await kit.another({ production: true });
    expect((await exchange(gateway.url, wholePost("api.example.com"), 5_000))?.status).toBe(200);
  });

  it("with ALLOWED_HOSTS, exactly those: loopback and HOST are not added", async () => {
    const gateway = await kit.another({ production: true, allowedHosts: ["api.example.com"] });
    expect((await exchange(gateway.url, wholePost("api.example.com:443"), 5_000))?.status).toBe(
      200,
    );
    for (const host of ["localhost", "127.0.0.1", "evil.example"]) {
      const answer = await exchange(gateway.url, halfSentPost(host));
      expect(answer?.status).toBe(421);
      expect(JSON.parse(answer!.body)).toMatchObject({
        errors: [
          {
            message: "This gateway does not serve the host this request names; see ALLOWED_HOSTS.",
            extensions: { code: "MISDIRECTED_REQUEST" },
          },
        ],
      });
    }
    expect(kit.fake.requests).toHaveLength(1);
  });
});
