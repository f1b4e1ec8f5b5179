/**
 * `npm start` with no Belvo account (the compiled server, the built-in emulator): the gateway
 * makes a webhook secret of its own for both sides, so a link registered through it is followed by
 * the emulator's webhooks, on a subscription too; the secret is never printed. On SIGTERM the
 * subscription's socket closes 1012.
 */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { take } from "./helpers/events.js";
import { buildOnce, runNode, waitForListening, type Started } from "./helpers/process.js";

let started: Started | undefined;
afterEach(async () => {
  started?.child.kill("SIGKILL");
  await started?.exit;
  started = undefined;
});

async function post(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

type Kept = { type: string; code: string; cursor: string }[];

it("shows the emulator's webhooks, with a secret of the gateway's own making; SIGTERM closes 1012", async () => {
  await buildOnce();
  started = runNode("dist/index.js", { PORT: "0", LOG_LEVEL: "info" });
  const url = await waitForListening(started);
  const registered = await post(
    url,
    `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "user_valid", password: "pass_valid"}) { ... on Link { id } } }`,
  );
  const link = (registered.registerLink as { id: string }).id;
  const read = `query($link: ID!) { linkEvents(link: $link) { type code cursor } }`;
  let kept: Kept = [];
  for (let tries = 0; kept.length < 2; tries++) {
    if (tries > 100) throw new Error("the emulator's webhooks did not arrive");
    await new Promise((resolve) => setTimeout(resolve, 50));
    kept = (await post(url, read, { link })).linkEvents as Kept;
  }
  expect(kept.map(({ type, code }) => [type, code])).toEqual([
    ["ACCOUNTS", "historical_update"],
    ["TRANSACTIONS", "historical_update"],
  ]);
  const closes: number[] = [];
  const client = createClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  const live = client.iterate({
    query: `subscription($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { type code } }`,
    variables: { link, after: kept[0]!.cursor },
  });
  expect(await take(live, 1)).toEqual([
    { data: { linkEvents: { type: "TRANSACTIONS", code: "historical_update" } } },
  ]);
  const ended = live.next().catch(() => undefined);
  started.child.kill("SIGTERM");
  await ended;
  expect(await started.exit).toBe(0);
  expect(closes).toEqual([1012]);
  // The secret the gateway made (48 hex digits) is never printed nor logged.
  expect(started.stdout.join("") + started.stderr.join("")).not.toMatch(/[0-9a-f]{48}/);
});
