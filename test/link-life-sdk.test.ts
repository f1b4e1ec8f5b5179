/**
 * Belvo's official Node SDK (`belvo` 0.28.0, unchanged) drives a link's life on the emulator:
 * update (PUT), refresh (POST …/refresh/, through the SDK's own session: 0.28.0 has no method
 * for it), patch, delete, and a Connect widget token.
 */
import belvo from "belvo";
import { GOOD_TOKEN } from "../src/sandbox/mfa.js";
import { ManualClock } from "../src/sandbox/state.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import { callBelvo } from "./helpers/belvo-client.js";
import type { RefreshCompleted } from "../src/sandbox/link-lives.js";

const Client = (belvo as unknown as { default: typeof belvo }).default ?? belvo;

let sandbox: Sandbox;
let client: InstanceType<typeof belvo>;
const clock = new ManualClock(new Date("2026-03-02T09:00:00.000Z"));
const completed: RefreshCompleted[] = [];

beforeAll(async () => {
  sandbox = await startSandbox(0, "127.0.0.1", {
    clock,
    onRefreshComplete: (event) => completed.push(event),
  });
  client = new Client("sandbox-id", "sandbox-password", sandbox.url);
  await client.connect();
});

afterAll(() => sandbox.close());

interface SdkError {
  statusCode: number;
  detail: { code: string; message: string; session?: string; link?: string }[];
}

async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error("expected the SDK to throw");
}

const refresh = (id: string, resources?: string[]) =>
  client.session.post(`api/links/${id}/refresh/`, resources ? { fetch_resources: resources } : {});

it("a link whose password changed: refresh turns it INVALID, update reconnects it, a second refresh meets the cooldown, delete removes it", async () => {
  const link = await client.links.register(
    "erebor_mx_retail",
    "user_password_changes",
    "pass_valid",
  );
  expect(link.status).toBe("valid");

  const accepted = await refresh(link.id, ["ACCOUNTS", "TRANSACTIONS"]);
  expect(accepted).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  expect(completed.at(-1)).toEqual({
    link: link.id,
    requestId: accepted.request_id,
    resources: ["ACCOUNTS", "TRANSACTIONS"],
    status: "invalid",
    externalId: null,
  });
  expect((await client.links.detail(link.id)).status).toBe("invalid");
  const retrieval = await failure(client.accounts.retrieve(link.id));
  expect([retrieval.statusCode, retrieval.detail[0]?.code]).toEqual([400, "invalid_link"]);

  const wrong = await failure(client.links.update(link.id, { password: "not-it" }));
  expect([wrong.statusCode, wrong.detail[0]?.code]).toEqual([400, "login_error"]);
  const updated = await client.links.update(link.id, { password: "pass_valid" });
  expect(updated).toMatchObject({ id: link.id, status: "valid" });

  const cooled = await failure(refresh(link.id));
  expect(cooled.statusCode).toBe(409);
  expect(cooled.detail[0]?.message).toBe(
    "The link has already been refreshed. Please wait 10 minutes before refreshing it again.",
  );
  clock.advance(9 * 60_000 + 30_000);
  expect((await failure(refresh(link.id))).detail[0]?.message).toMatch(/Please wait 30 seconds/);
  clock.advance(30_000);
  expect(await refresh(link.id)).toEqual({ request_id: expect.any(String) });
  expect(completed.at(-1)?.status).toBe("valid");

  expect(await client.links.delete(link.id)).toBe(true);
  expect((await failure(client.links.detail(link.id))).statusCode).toBe(404);
  expect(await client.links.delete(link.id)).toBe(false);
});

it("a link whose bank asks for a token again: update answers a challenge, resume reconnects it", async () => {
  const link = await client.links.register("erebor_co_retail", "user_token_again", "pass_valid");
  await refresh(link.id);
  expect((await client.links.detail(link.id)).status).toBe("token_required");
  const challenge = await failure(client.links.update(link.id, { password: "pass_valid" }));
  expect(challenge.statusCode).toBe(428);
  expect(challenge.detail[0]).toMatchObject({ code: "token_required", link: link.id });
  const resumed = await client.links.resume(challenge.detail[0]!.session!, GOOD_TOKEN, link.id);
  expect(resumed).toMatchObject({ id: link.id, status: "valid" });
});

it("patch changes the access mode", async () => {
  const link = await client.links.register("erebor_mx_retail", "user_valid", "pass_valid");
  expect(await client.links.patch(link.id, { accessMode: "single" })).toMatchObject({
    id: link.id,
    access_mode: "single",
  });
});

it("a widget token, checked against the SDK's own key pair, in update mode too", async () => {
  const link = await client.links.register("erebor_mx_retail", "user_valid", "pass_valid");
  const token = await client.widgetToken.create({
    scopes: "read_institutions,write_links,read_links",
    link: link.id,
  });
  expect(token).toEqual({ access: expect.any(String), refresh: expect.any(String) });
  expect(token.access).not.toBe(token.refresh);
  const other = new Client("sandbox-id", "sandbox-password", sandbox.url);
  await other.connect();
  const unknown = await failure(
    other.widgetToken.create({ link: "00000000-0000-4000-8000-000000000000" }),
  );
  expect([unknown.statusCode, unknown.detail[0]?.code]).toEqual([400, "does_not_exist"]);
  // A body pair other than the request's own keys is refused, as Belvo refuses wrong keys.
  const mismatched = await callBelvo(sandbox.url, "POST", "/api/token/", {
    id: "sandbox-id",
    password: "another-password",
    scopes: "read_institutions",
  });
  expect([mismatched.status, mismatched.body[0].code]).toEqual([401, "authentication_failed"]);
});
