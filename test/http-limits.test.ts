/**
 * The HTTP server's own limits: a client that sends slowly is cut, a flood of sockets does not
 * keep a real request out, and a request whose body has not arrived does not hold the drain.
 */
import { connect, type Socket } from "node:net";
import { getIntrospectionQuery } from "graphql";
import { LINK_BODY, LINK_ID, resumeInput, LINK_REPLY } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_LINK, postGraphQL } from "./helpers/graphql.js";

const INPUT = { input: resumeInput("123456") };

const kit = useGateway({
  upstream: "fake",
  perTest: true,
  lazy: true,
  replies: [LINK_REPLY],
});
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

interface Raw {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  closed: Promise<number>;
}

/** A raw TCP client that writes `head` and then nothing more, as a slow or hostile one does. */
async function rawClient(url: string, head: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => undefined);
  const opened = Date.now();
  const closed = new Promise<number>((resolve) =>
    socket.once("close", () => resolve(Date.now() - opened)),
  );
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  if (head) socket.write(head);
  return { socket, received: () => Buffer.concat(chunks).toString("utf8"), closed };
}

const slowBodyHead = (url: string) =>
  `POST /graphql HTTP/1.1\r\nHost: ${new URL(url).host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":`;

it("cuts a client whose body does not arrive within HTTP_REQUEST_TIMEOUT_MS", async () => {
  const gateway = await kit.another({
    http: { headersTimeoutMs: 500, requestTimeoutMs: 1_000 },
  });
  const client = await rawClient(gateway.url, slowBodyHead(gateway.url));
  const heldMs = await client.closed;
  expect(heldMs).toBeLessThan(2_500);
  expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  expect(kit.fake.requests).toEqual([]);
});

it("cuts a client whose headers do not arrive within HTTP_HEADERS_TIMEOUT_MS", async () => {
  const gateway = await kit.another({
    http: { headersTimeoutMs: 500, requestTimeoutMs: 10_000 },
  });
  const client = await rawClient(gateway.url, "POST /graphql HTTP/1.1\r\nHost: x\r\n");
  expect(await client.closed).toBeLessThan(2_000);
});

it("closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS, and not before", async () => {
  const short = await kit.another({ http: { keepAliveTimeoutMs: 300 } });
  // The default (5 s): a short-lived keep-alive seen below is the setting's doing.
  const usual = await kit.another();
  const health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  const [kept, idle] = await Promise.all([
    rawClient(usual.url, health),
    rawClient(short.url, health),
  ]);
  // Well before the default's 5 s; the short one closes at 300 ms plus Node's timer check, which
  // took 1.5 s on a loaded CI (a bound of 1.5 s failed there by 4 ms).
  const open = new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 3_000));
  const idleFor = await Promise.race([idle.closed, open]);
  expect(idle.received()).toMatch(/^HTTP\/1\.1 200 .*\r\nConnection: keep-alive\r\n/is);
  expect(idleFor).toBeLessThan(3_000);
  expect(await Promise.race([kept.closed, open])).toBe("open");
  expect(kept.received()).toMatch(/^HTTP\/1\.1 200 .*\r\nConnection: keep-alive\r\n/is);
});

it("a socket flood beyond MAX_CONNECTIONS is shed and a real request is still served", async () => {
  const cap = 5;
  const gateway = await kit.another({
    http: { maxConnections: cap, headersTimeoutMs: 30_000, requestTimeoutMs: 60_000 },
  });
  const flood: Raw[] = [];
  for (let i = 0; i < 3 * cap; i++) flood.push(await rawClient(gateway.url, "POST /gra"));
  const { status, body } = await postGraphQL(gateway.url, RESUME_LINK, INPUT);
  expect(status).toBe(200);
  expect(body).toMatchObject({ data: { resumeLink: { __typename: "Link", id: LINK_ID } } });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stillOpen = flood.filter(({ socket }) => !socket.destroyed && !socket.readableEnded);
  expect(stillOpen.length).toBeLessThanOrEqual(cap);
});

it("a request executing keeps its connection at the cap: the newcomer is refused instead", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 600 });
  const gateway = await kit.another({ http: { maxConnections: 1 } });
  const executing = postGraphQL(gateway.url, RESUME_LINK, INPUT);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Past the cap only a probe (/health, /ready) is served: any other request's connection is cut.
  const newcomer = await rawClient(
    gateway.url,
    `POST /graphql HTTP/1.1\r\nHost: ${new URL(gateway.url).host}\r\ncontent-length: 0\r\n\r\n`,
  );
  expect(await newcomer.closed).toBeLessThan(1_000);
  expect(newcomer.received()).toBe("");
  const { status } = await executing;
  expect(status).toBe(200);
});

it("a request whose body has not arrived does not hold the SIGTERM drain", async () => {
  const gateway = await kit.another({ http: { requestTimeoutMs: 60_000 } });
  const client = await rawClient(gateway.url, slowBodyHead(gateway.url));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  await gateway.shutdown(10_000);
  expect(Date.now() - started).toBeLessThan(2_000);
  await client.closed;
  expect(kit.fake.requests).toEqual([]);
});

it("a request whose body arrives during the drain is refused as SHUTTING_DOWN, never executed", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 800 });
  const gateway = await kit.another({ http: { requestTimeoutMs: 60_000 } });
  const holding = postGraphQL(gateway.url, RESUME_LINK, INPUT);
  const body = JSON.stringify({ query: RESUME_LINK, variables: INPUT });
  const { host } = new URL(gateway.url);
  const late = await rawClient(
    gateway.url,
    `POST /graphql HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const draining = gateway.shutdown(10_000);
  late.socket.write(body);
  await late.closed;
  expect(late.received()).toMatch(/^HTTP\/1\.1 503/);
  expect(late.received()).toContain("SHUTTING_DOWN");
  expect((await holding).status).toBe(200);
  await draining;
  expect(kit.fake.requests).toHaveLength(1);
});

it("a client that stops reading its answers does not hold its connection at the cap", async () => {
  const gateway = await kit.another({ http: { maxConnections: 1 } });
  const { host } = new URL(gateway.url);
  // Answered by the gateway alone (no Belvo call), a few hundred kilobytes each: pipelined on one
  // connection whose client never reads, the last answer never leaves the gateway.
  const body = JSON.stringify({ query: getIntrospectionQuery({ descriptions: true }) });
  const post = `POST /graphql HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const stalled = await rawClient(gateway.url, "");
  stalled.socket.pause();
  stalled.socket.write(post.repeat(200));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(stalled.socket.destroyed).toBe(false);
  // The newcomer takes the place of the connection whose answers are all written (only its
  // reader is missing), as it would an idle one.
  const { status, body: answer } = await postGraphQL(gateway.url, RESUME_LINK, INPUT);
  expect(status).toBe(200);
  expect(answer).toMatchObject({ data: { resumeLink: { __typename: "Link", id: LINK_ID } } });
  // It was cut: what it had been sent ends there.
  stalled.socket.resume();
  expect(await stalled.closed).toBeGreaterThan(0);
});
