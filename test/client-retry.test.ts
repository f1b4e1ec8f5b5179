/**
 * The typed client behind a proxy that cuts idle connections at 1 s (as load balancers do, only
 * sooner), in front of a gateway whose Belvo answers after 3 s: with default settings it retries
 * with the same Idempotency-Key, joins the request still running, and returns the Link; Belvo
 * gets one PATCH. A gateway that is down (nothing listens) fails fast instead: no attempt
 * connected, so nothing was sent.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import {
  BelvoGatewayClient,
  GatewayClientError as GatewayError,
  type RetryEvent,
} from "@belvo-graphql-gateway/client";
import { LINK_BODY, institutionBody, page } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { type RecordedRequest, type Reply } from "./helpers/fake-upstream.js";
import { resumeVariables } from "./helpers/idempotency.js";
import { freePort, unacceptingPort } from "./helpers/system.js";
import { Agent, fetch as undiciFetch } from "undici";

/** Forwards TCP to `port`, cutting both sides after `idleMs` without a byte either way. */
async function idleCuttingProxy(port: number, idleMs: number) {
  const sockets = new Set<Socket>();
  let cuts = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      socket.setTimeout(idleMs, () => {
        cuts++;
        client.destroy();
        upstream.destroy();
      });
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get cuts() {
      return cuts;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Belvo for the client's documents: the PATCH answers after `patchDelayMs`; reads at once. */
let patchDelayMs = 3_000;
function belvo(request: RecordedRequest): Reply {
  if (request.method === "PATCH") return { status: 200, body: LINK_BODY, delayMs: patchDelayMs };
  return page([institutionBody(LINK_BODY.institution, "Erebor")]);
}

const kit = useGateway({ upstream: "fake", route: belvo });
let proxy: Awaited<ReturnType<typeof idleCuttingProxy>>;
const patches = () => kit.fake.requests.filter((request) => request.method === "PATCH").length;

beforeAll(async () => {
  proxy = await idleCuttingProxy(Number(new URL(kit.url).port), 1_000);
});
afterAll(() => proxy.close());
beforeEach(() => {
  patchDelayMs = 3_000;
});

it("returns the Link through connections cut at 1 s, with one PATCH upstream", async () => {
  // A cut connection may have carried the request: unreachableMs does not bound it.
  const notices: RetryEvent[] = [];
  const client = new BelvoGatewayClient(`${proxy.url}/graphql`, {
    retry: { unreachableMs: 100, onRetry: (notice) => notices.push(notice) },
  });
  const cutsBefore = proxy.cuts;
  const result = await client.resumeLink(resumeVariables().input);
  expect(result.__typename).toBe("Link");
  expect(proxy.cuts).toBeGreaterThan(cutsBefore);
  expect(patches()).toBe(1);
  expect(notices.length).toBeGreaterThan(0);
  expect(notices.map((notice) => [notice.attempt, notice.error.code])).toEqual(
    notices.map((_, index) => [index + 2, "NETWORK_ERROR"]),
  );
});

it("a write to a gateway that is down fails with NETWORK_ERROR once unreachableMs is up, telling each retry", async () => {
  const notices: RetryEvent[] = [];
  const client = new BelvoGatewayClient(`http://127.0.0.1:${await freePort()}/graphql`, {
    retry: { unreachableMs: 600, baseDelayMs: 40, onRetry: (notice) => notices.push(notice) },
  });
  const started = Date.now();
  const error = (await client
    .resumeLink(resumeVariables().input)
    .catch((e: unknown) => e)) as GatewayError;
  const elapsed = Date.now() - started;
  expect(error).toBeInstanceOf(GatewayError);
  expect({ code: error.code, reason: error.reason, retryable: error.retryable }).toEqual({
    code: "NETWORK_ERROR",
    reason: "ECONNREFUSED",
    retryable: true,
  });
  expect(elapsed).toBeLessThan(1_000);
  expect(notices.length).toBeGreaterThanOrEqual(2);
  for (const [index, notice] of notices.entries()) {
    expect(notice).toEqual({
      attempt: index + 2,
      delayMs: expect.any(Number),
      error: expect.any(GatewayError),
    });
    expect(notice.error.reason).toBe("ECONNREFUSED");
  }
  // The retries stayed inside the budget: the last pause ended before 600 ms.
  expect(notices.reduce((total, notice) => total + notice.delayMs, 0)).toBeLessThan(600);
});

it("a gateway whose handshake never completes fails once unreachableMs is up (connect timeouts)", async () => {
  const unaccepting = await unacceptingPort();
  // Node's fetch waits 10 s for a handshake; the same undici with a 200 ms connect timeout
  // (undici's timers tick coarsely: an attempt fails after 0.2 to 1 s).
  const dispatcher = new Agent({ connect: { timeout: 200 } });
  const notices: RetryEvent[] = [];
  const client = new BelvoGatewayClient(`http://127.0.0.1:${unaccepting.port}/graphql`, {
    fetch: ((input: string, init: RequestInit) =>
      undiciFetch(input, { ...init, dispatcher } as Parameters<
        typeof undiciFetch
      >[1])) as unknown as typeof fetch,
    retry: { unreachableMs: 2_000, baseDelayMs: 20, onRetry: (notice) => notices.push(notice) },
  });
  try {
    const started = Date.now();
    const error = (await client
      .resumeLink(resumeVariables().input)
      .catch((e: unknown) => e)) as GatewayError;
    expect({ code: error.code, reason: error.reason }).toEqual({
      code: "NETWORK_ERROR",
      reason: "UND_ERR_CONNECT_TIMEOUT",
    });
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(notices.length).toBeGreaterThanOrEqual(1);
  } finally {
    await dispatcher.close();
    await unaccepting.close();
  }
});

it("a hook that throws does not break the call", async () => {
  const client = new BelvoGatewayClient(`http://127.0.0.1:${await freePort()}/graphql`, {
    retry: {
      unreachableMs: 200,
      baseDelayMs: 20,
      onRetry: () => {
        throw new Error("the app's bug");
      },
    },
  });
  const error = (await client
    .resumeLink(resumeVariables().input)
    .catch((e: unknown) => e)) as GatewayError;
  expect(error.code).toBe("NETWORK_ERROR");
});

it("without retries the same call fails: the retry is what saves it", async () => {
  const client = new BelvoGatewayClient(`${proxy.url}/graphql`, { retry: false });
  const error = await client.resumeLink(resumeVariables("555555").input).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe("NETWORK_ERROR");
});

it("sends the caller's key: a second call with it gets the stored answer", async () => {
  patchDelayMs = 0;
  const client = new BelvoGatewayClient(`${kit.url}/graphql`);
  const input = resumeVariables("777777").input;
  const idempotencyKey = `caller-key-${Date.now()}`;
  const first = await client.resumeLink(input, { idempotencyKey });
  const second = await client.resumeLink(input, { idempotencyKey });
  expect(second).toEqual(first);
  expect(patches()).toBe(1);
  await client.resumeLink(input);
  expect(patches()).toBe(2);
});

it("gives up at the caller's deadline", async () => {
  const client = new BelvoGatewayClient(`${proxy.url}/graphql`, { retry: { deadlineMs: 1_500 } });
  const started = Date.now();
  const error = await client.resumeLink(resumeVariables("888888").input).catch((e: unknown) => e);
  expect((error as GatewayError).code).toBe("NETWORK_ERROR");
  expect(Date.now() - started).toBeLessThan(2_900);
});
