/**
 * A link's life end to end (issue 26): the typed client, through the gateway, on the emulator.
 * A link whose bank password changed turns INVALID at its refresh and is reconnected; a second
 * refresh meets Belvo's cooldown; the link is deleted and `link(id)` is then null. A link whose
 * bank asks for a token again reconnects through the MFA step.
 */
import {
  BelvoGatewayClient,
  GatewayClientError,
  type RefreshLinkResult,
  type UpdateLinkResult,
} from "@belvo-graphql-gateway/client";
import type { RefreshCompleted } from "../src/sandbox/link-lives.js";
import { GOOD_TOKEN } from "../src/sandbox/mfa.js";
import { NOW } from "./helpers/gateway.js";
import { useGateway } from "./helpers/kit.js";

const completed: RefreshCompleted[] = [];
const kit = useGateway({
  upstream: "emulator",
  emulator: () => ({ onRefreshComplete: (event) => completed.push(event) }),
});

/** Every idempotency-key header the client sent, in order. */
const sentKeys: (string | null)[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  sentKeys.push(new Headers(init?.headers).get("idempotency-key"));
  return fetch(input, init);
};

let client: BelvoGatewayClient;
beforeAll(() => {
  client = new BelvoGatewayClient(`${kit.url}/graphql`, { fetch: recordingFetch, retry: false });
});

async function failure(call: Promise<unknown>): Promise<GatewayClientError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GatewayClientError) return error;
    throw error;
  }
  throw new Error("expected a GatewayClientError");
}

/** Compiles only if every member is handled. */
function outcome(result: UpdateLinkResult | RefreshLinkResult): string {
  switch (result.__typename) {
    case "Link":
      return `Link ${result.status}`;
    case "RefreshAccepted":
      return `RefreshAccepted ${result.requestId}`;
    case "MfaChallenge":
      return "MfaChallenge";
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

async function register(username: string) {
  const link = await client.registerLink({
    institution: "erebor_mx_retail",
    username,
    password: "pass_valid",
  });
  if (link.__typename !== "Link") throw new Error("expected a link");
  expect(link.status).toBe("VALID");
  return link.id;
}

it("an INVALID link is reconnected, refreshed twice (the second meets the cooldown), its access mode changed, a widget token minted for it, then deleted", async () => {
  const id = await register("user_password_changes");

  const refreshed = await client.refreshLink({ link: id, resources: ["ACCOUNTS"] });
  expect(refreshed).toEqual({
    __typename: "RefreshAccepted",
    link: id,
    requestId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
  });
  expect(completed.at(-1)).toMatchObject({
    link: id,
    requestId: (refreshed as { requestId: string }).requestId,
    status: "invalid",
  });
  expect((await client.link(id))?.status).toBe("INVALID");

  const wrong = await failure(client.updateLink({ link: id, password: "not-the-password" }));
  expect([wrong.code, wrong.upstream?.code]).toEqual(["UPSTREAM_REJECTED", "login_error"]);
  const reconnected = await client.updateLink({ link: id, password: "pass_valid" });
  expect(outcome(reconnected)).toBe("Link VALID");
  expect((await client.link(id))?.status).toBe("VALID");

  const cooled = await failure(client.refreshLink({ link: id }));
  expect(cooled).toMatchObject({
    code: "RATE_LIMITED",
    retryable: true,
    retryAfter: 600,
    upstream: { status: 409 },
  });

  const single = await client.setLinkAccessMode({ link: id, accessMode: "SINGLE" });
  expect(single).toMatchObject({ id, accessMode: "SINGLE", refreshRate: null });

  const token = await client.createWidgetToken({ link: id, externalId: "customer-42" });
  expect(token).toEqual({
    __typename: "WidgetToken",
    access: expect.any(String) as unknown,
    refresh: expect.any(String) as unknown,
    expiresAt: new Date(NOW.getTime() + 10 * 60_000).toISOString(),
  });

  expect(await client.deleteLink({ link: id })).toEqual({ __typename: "DeletedLink", id });
  expect(await client.link(id)).toBeNull();
  const again = await failure(client.deleteLink({ link: id }));
  expect([again.code, again.upstream?.status]).toEqual(["UPSTREAM_REJECTED", 404]);

  // Every write carried its own Idempotency-Key; the reads none.
  const writes = sentKeys.filter((key) => key !== null);
  expect(new Set(writes).size).toBe(writes.length);
  expect(writes.length).toBe(9);
});

it("a TOKEN_REQUIRED link reconnects through updateLink's challenge and resumeLink", async () => {
  const id = await register("user_token_again");
  expect(outcome(await client.refreshLink({ link: id }))).toMatch(/^RefreshAccepted /);
  expect((await client.link(id))?.status).toBe("TOKEN_REQUIRED");
  const challenge = await client.updateLink({ link: id, password: "pass_valid" });
  if (challenge.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  expect(challenge.link).toBe(id);
  const resumed = await client.resumeLink({
    session: challenge.session,
    link: challenge.link,
    token: GOOD_TOKEN,
  });
  expect(resumed).toMatchObject({ __typename: "Link", id, status: "VALID" });
});
