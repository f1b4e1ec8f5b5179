// `npm run bench:subscribers`: subscribers of one link's events across 2 gateway replicas on one
// Redis (the production build, real processes), then webhooks sent to either replica: how long each
// takes to reach every subscriber (p50, p99, max), and the memory an idle subscriber costs each
// replica. Not part of the tests. BENCH_SUBSCRIBERS (default 1000), BENCH_EVENTS (default 20).
// A smoke run: BENCH_SUBSCRIBERS=20 BENCH_EVENTS=3 npm run bench:subscribers.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20);
const SECRET = "bench-webhook-secret-0123456789";
const LINK = "683005d6-f45c-4adb-b289-f1a12f50f80c";

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(check, what) {
  for (let tries = 0; tries < 200; tries++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not come up`);
}

const residentMb = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

async function startReplica(redisUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, ["dist/index.js"], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: "warn",
      REDIS_URL: redisUrl,
      BELVO_WEBHOOK_SECRET: SECRET,
      SUBSCRIPTIONS_PER_CLIENT: String(SUBSCRIBERS + 10),
      MAX_CONNECTIONS: String(SUBSCRIBERS + 100),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/ready`)).ok, url);
  return { url, child };
}

async function post(url, body) {
  const response = await fetch(`${url}/webhooks/belvo`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
}

const webhook = (id, more = {}) => ({
  webhook_id: id,
  webhook_type: "TRANSACTIONS",
  webhook_code: "new_transactions_available",
  link_id: LINK,
  data: more,
});

async function cursorOf(url) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `query($link: ID!) { linkEvents(link: $link, first: 100) { cursor } }`,
      variables: { link: LINK },
    }),
  });
  const answer = await response.json();
  if (!answer.data) throw new Error(JSON.stringify(answer));
  return answer.data.linkEvents.at(-1).cursor;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const redisPort = await freePort();
const redis = spawn(
  "redis-server",
  ["--port", String(redisPort), "--save", "", "--appendonly", "no"],
  {
    stdio: "ignore",
  },
);
const replicas = [];
const clients = [];
try {
  await new Promise((resolve) => setTimeout(resolve, 300));
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  replicas.push(await startReplica(redisUrl), await startReplica(redisUrl));
  await post(replicas[0].url, webhook(`seed-${Date.now()}`));
  const after = await cursorOf(replicas[0].url);
  const idle = replicas.map(({ child }) => residentMb(child.pid));
  const latencies = [];
  let delivered = 0;
  let acknowledged = 0;
  for (let n = 0; n < SUBSCRIBERS; n++) {
    const { url } = replicas[n % 2];
    const client = createClient({
      url: `${url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { connected: () => acknowledged++ },
    });
    clients.push(client);
    client.subscribe(
      {
        query: `subscription($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { id data } }`,
        variables: { link: LINK, after },
      },
      {
        next: ({ data }) => {
          latencies.push(Date.now() - data.linkEvents.data.sentAt);
          delivered++;
        },
        error: (error) => console.error("subscription error", error),
        complete: () => undefined,
      },
    );
  }
  await waitFor(() => Promise.resolve(acknowledged === SUBSCRIBERS), "every subscriber");
  // Let every subscription reach its feed, and the heaps settle.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const subscribed = replicas.map(({ child }) => residentMb(child.pid));
  for (let n = 0; n < EVENTS; n++) {
    await post(replicas[n % 2].url, webhook(`bench-${Date.now()}-${n}`, { sentAt: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await waitFor(() => Promise.resolve(delivered === SUBSCRIBERS * EVENTS), "every delivery");
  latencies.sort((a, b) => a - b);
  const perSubscriberKb = subscribed.map(
    (mb, index) => ((mb - idle[index]) * 1024) / (SUBSCRIBERS / 2),
  );
  console.log(
    JSON.stringify(
      {
        subscribers: SUBSCRIBERS,
        replicas: 2,
        events: EVENTS,
        deliveries: delivered,
        deliveryMs: {
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: latencies.at(-1),
        },
        residentMb: { idle, subscribed },
        kbPerIdleSubscriber: perSubscriberKb.map((kb) => Math.round(kb * 10) / 10),
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(clients.map((client) => client.dispose()));
  for (const { child } of replicas) child.kill("SIGTERM");
  redis.kill();
}
