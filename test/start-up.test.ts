/** `npm start` as a user runs it: the compiled gateway as a child process. */
import { createServer, type AddressInfo, type Socket } from "node:net";
import request from "supertest";
import { BelvoGatewayClient } from "@belvo-graphql-gateway/client";
import { EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES } from "../src/landing.js";
import { postGraphQL } from "./helpers/graphql.js";
import { buildOnce, runNode, waitForListening, waitForOutput } from "./helpers/process.js";

beforeAll(() => buildOnce(), 120_000);

it("with no settings, serves /graphql backed by the built-in emulator, and stops cleanly on SIGTERM", async () => {
  const gateway = runNode("dist/index.js", { PORT: "0" });
  try {
    const url = await waitForListening(gateway);
    expect(gateway.stdout.join("")).toContain(
      "upstream: built-in Belvo sandbox emulator at http://127.0.0.1:",
    );
    expect(gateway.stdout.join("")).toContain(
      "set BELVO_URL, BELVO_SECRET_ID and BELVO_SECRET_PASSWORD to use Belvo instead",
    );
    expect(gateway.stdout.join("")).toContain("the example operation runs as is");
    expect(gateway.stdout.join("")).toContain(
      `offline explorer (GraphiQL, no internet needed): ${url}/explorer\n`,
    );
    const { body } = await postGraphQL(url, EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES);
    expect(body).toMatchObject({
      data: { resumeLink: { __typename: "Link", id: EXAMPLE_VARIABLES.input.link } },
    });
    const landing = await request(url).get("/graphql").set("accept", "text/html");
    expect(landing.text).toContain("embeddable-sandbox");
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
});

it("with client keys, the banner says Sandbox needs the key header (the example does not run as is)", async () => {
  const gateway = runNode("dist/index.js", {
    PORT: "0",
    GATEWAY_API_KEYS: "banner-key-000000000001",
  });
  try {
    await waitForListening(gateway);
    const banner = gateway.stdout.join("");
    expect(banner).not.toContain("runs as is");
    expect(banner).toContain(
      "add the header Authorization: Bearer <one of GATEWAY_API_KEYS> (Headers tab) before running the example",
    );
    expect(banner).not.toContain("banner-key-000000000001");
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
});

/** What production needs: Belvo (not called at start-up), client keys, a guarded /metrics. */
const PRODUCTION = {
  PORT: "0",
  NODE_ENV: "production",
  BELVO_URL: "http://127.0.0.1:9",
  BELVO_SECRET_ID: "start-up-secret-id",
  BELVO_SECRET_PASSWORD: "start-up-secret-password",
  GATEWAY_API_KEYS: "banner-key-000000000002",
  METRICS_TOKEN: "metrics-token-start-up-01",
};

it("in production, the banner offers no Sandbox and no offline explorer (both are off); /metrics needs METRICS_TOKEN", async () => {
  const gateway = runNode("dist/index.js", PRODUCTION);
  try {
    const url = await waitForListening(gateway);
    const banner = gateway.stdout.join("");
    expect(banner).toContain(`listening at ${url}/graphql`);
    expect(banner).not.toContain("/explorer");
    expect(banner).not.toContain("Apollo Sandbox");
    expect(banner).not.toContain("emulator");
    const refused = await request(url).get("/metrics");
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
    const scraped = await request(url)
      .get("/metrics")
      .set("authorization", `Bearer ${PRODUCTION.METRICS_TOKEN}`);
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain("gateway_operations_in_flight");
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
});

it.each([
  [
    "BELVO_URL without keys",
    { BELVO_URL: "sandbox" },
    "Cannot start: BELVO_SECRET_ID: required when BELVO_URL is set (your Belvo secret key pair); unset BELVO_URL to use the built-in sandbox emulator.\n",
  ],
  [
    "a TRUSTED_DOCUMENTS file that is not there",
    { TRUSTED_DOCUMENTS: "/nonexistent/manifest.json" },
    "Cannot start: TRUSTED_DOCUMENTS: the manifest cannot be read (/nonexistent/manifest.json).\n",
  ],
  [
    "production without client keys",
    { NODE_ENV: "production" },
    "Cannot start: GATEWAY_API_KEYS: required when NODE_ENV=production; set it, or set GATEWAY_ALLOW_ANONYMOUS=true to serve without client keys.\n",
  ],
  [
    "production without BELVO_URL (it would run the emulator: fake VALID links)",
    { ...PRODUCTION, BELVO_URL: "" },
    "Cannot start: BELVO_URL: required when NODE_ENV=production (sandbox, development, production or Belvo's URL); the built-in emulator runs only outside production.\n",
  ],
  [
    "production asking for the emulator",
    { ...PRODUCTION, BELVO_URL: "emulator" },
    "Cannot start: BELVO_URL: the built-in emulator is refused when NODE_ENV=production; set sandbox, development, production or Belvo's URL.\n",
  ],
  [
    "production without METRICS_TOKEN",
    { ...PRODUCTION, METRICS_TOKEN: "" },
    "Cannot start: METRICS_TOKEN: required when NODE_ENV=production; set it (16+ characters, sent by the scraper as a Bearer token), or set METRICS_PUBLIC=true to serve /metrics to anyone who reaches it.\n",
  ],
])("refuses to start with %s, in one line on stderr, exit 1", async (_case, env, line) => {
  const gateway = runNode("dist/index.js", { PORT: "0", ...env });
  expect(await gateway.exit).toBe(1);
  expect(gateway.stderr.join("")).toBe(line);
  expect(gateway.stdout.join("")).toBe("");
});

it("with TRUSTED_DOCUMENTS, runs the typed client's documents and refuses any other", async () => {
  const gateway = runNode("dist/index.js", {
    PORT: "0",
    TRUSTED_DOCUMENTS: "packages/client/src/trusted-documents.json",
  });
  try {
    const url = await waitForListening(gateway);
    expect(gateway.stdout.join("")).toContain("only the documents in TRUSTED_DOCUMENTS run");
    const client = new BelvoGatewayClient(`${url}/graphql`);
    expect(await client.resumeLink(EXAMPLE_VARIABLES.input)).toMatchObject({ __typename: "Link" });
    const adHoc = await postGraphQL(url, EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES);
    expect(adHoc.status).toBe(400);
    expect(adHoc.body).toMatchObject({
      errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED" } }],
    });
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
});

it("npm run sandbox: the emulator alone on the port asked for", async () => {
  const sandbox = runNode("dist/sandbox/main.js", {}, ["--port", "0"]);
  try {
    const url = await waitForOutput(sandbox, /listening at (http:\/\/[\d.:]+)\/api\//);
    const response = await request(url)
      .get("/api/institutions/?name=erebor_mx_retail")
      .auth("id", "password");
    expect(response.body).toMatchObject({ count: 1, results: [{ name: "erebor_mx_retail" }] });
  } finally {
    sandbox.child.kill("SIGTERM");
  }
  expect(await sandbox.exit).toBe(0);
});

it("a PORT another process holds stops start-up in one line that says to set PORT", async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const gateway = runNode("dist/index.js", { PORT: String(port) });
    expect(await gateway.exit).toBe(1);
    expect(gateway.stderr.join("")).toBe(
      `Cannot start: PORT: 127.0.0.1:${port} is already in use (another gateway, or an earlier npm start still running?); stop that process, or set PORT to a free port, e.g. PORT=${port + 1} npm start.\n`,
    );
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

it("npm run sandbox refuses a bad port with a clear message", async () => {
  const sandbox = runNode("dist/sandbox/main.js", {}, ["--port", "eighty"]);
  expect(await sandbox.exit).toBe(1);
  expect(sandbox.stderr.join("")).toBe('sandbox: --port: expected a port number, got "eighty"\n');
});

it.each([
  ["accepts connections and never replies", true],
  ["refuses connections", false],
])(
  "fails start-up within a few seconds, in one line, when REDIS_URL's server %s",
  async (_case, listening) => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    if (!listening) await new Promise((resolve) => silent.close(resolve));
    try {
      const gateway = runNode("dist/index.js", {
        PORT: "0",
        REDIS_URL: `redis://:hunter2-redis-password@127.0.0.1:${port}`,
        REDIS_CONNECT_TIMEOUT_MS: "250",
      });
      const timer = setTimeout(() => gateway.child.kill("SIGKILL"), 8_000);
      const code = await gateway.exit;
      clearTimeout(timer);
      expect(code).toBe(1);
      const stderr = gateway.stderr.join("");
      expect(stderr).toMatch(/^Cannot start: REDIS_URL: Redis did not answer \(.+\)\.\n$/);
      expect(stderr).not.toContain("hunter2");
      expect(gateway.stdout.join("")).not.toContain("listening");
    } finally {
      for (const socket of sockets) socket.destroy();
      if (listening) silent.close();
    }
  },
  15_000,
);

it.each([
  ["accepts connections and never replies", true],
  ["refuses connections", false],
])(
  "fails start-up within its deadline, in one line naming REDIS_SENTINELS, when the only sentinel %s",
  async (_case, listening) => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    if (!listening) await new Promise((resolve) => silent.close(resolve));
    try {
      const gateway = runNode("dist/index.js", {
        PORT: "0",
        REDIS_SENTINELS: `127.0.0.1:${port}`,
        REDIS_SENTINEL_NAME: "gateway-primary",
        REDIS_CONNECT_TIMEOUT_MS: "250",
      });
      const timer = setTimeout(() => gateway.child.kill("SIGKILL"), 8_000);
      const code = await gateway.exit;
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(gateway.stderr.join("")).toMatch(
        /^Cannot start: REDIS_SENTINELS: Redis did not answer \(.+\)\.\n$/,
      );
      expect(gateway.stdout.join("")).not.toContain("listening");
    } finally {
      for (const socket of sockets) socket.destroy();
      if (listening) silent.close();
    }
  },
  15_000,
);
