/**
 * The offline explorer (GraphiQL bundled at build time, served at /explorer outside production)
 * in headless Chromium with the network off: every request that is not to the gateway is
 * aborted and recorded, and none may be attempted. The explorer runs the example operation
 * against the emulator. Screenshot: test-artifacts/explorer.png.
 */
import { mkdirSync } from "node:fs";
import request from "supertest";
import { chromium, type Browser, type Page } from "playwright-core";
import { installed } from "./helpers/system.js";
import { useGateway } from "./helpers/kit.js";
import { type TestGateway } from "./helpers/gateway.js";

const CHROMIUM = "/usr/bin/chromium";
const KEY = "gw-key-5d2c7a91e0";

beforeAll(async () => {
  const { buildExplorer } = await import("../scripts/build-explorer.mjs");
  await buildExplorer();
}, 120_000);
const kit = useGateway({ upstream: "emulator", now: () => new Date() });
let keyed: TestGateway;
let production: TestGateway;
beforeAll(async () => {
  keyed = await kit.another({ apiKeys: [KEY], now: undefined });
  production = await kit.another({ production: true, apiKeys: [KEY], now: undefined });
});

describe("served by the gateway", () => {
  it("a page of its own origin only, opened on Sandbox's example", async () => {
    const response = await request(kit.url).get("/explorer").expect(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.headers["content-security-policy"]).toContain("connect-src 'self'");
    expect(response.text).toContain("mutation ResumeLink");
    expect(response.text).not.toMatch(/https?:\/\//);
    await request(kit.url)
      .get("/explorer/app.js")
      .expect(200)
      .expect("content-type", /javascript/);
  });

  it("serves only the bundle's files, by exact name", async () => {
    for (const path of [
      "/explorer/.built",
      "/explorer/..%2fpackage.json",
      "/explorer/../package.json",
      "/explorer/x.js",
    ]) {
      const { status } = await request(kit.url).get(path);
      expect([404]).toContain(status);
    }
  });

  it("refuses a method other than GET or HEAD: 405 METHOD_NOT_ALLOWED with Allow", async () => {
    const response = await request(kit.url)
      .post("/explorer")
      .set("x-request-id", "explorer-post-1")
      .send({})
      .expect(405)
      .expect("allow", "GET, HEAD")
      .expect("content-type", "application/json; charset=utf-8");
    expect(response.body).toEqual({
      errors: [
        {
          message: "/explorer takes GET (or HEAD), not POST.",
          extensions: { code: "METHOD_NOT_ALLOWED", requestId: "explorer-post-1" },
        },
      ],
    });
  });

  it("with keys set, it and Sandbox offer a placeholder header, never a key", async () => {
    const { text } = await request(keyed.url).get("/explorer").expect(200);
    expect(text).toContain("Bearer \\u003cone of GATEWAY_API_KEYS>");
    expect(text).not.toContain(KEY);
    const sandboxPage = await request(keyed.url)
      .get("/graphql")
      .set("accept", "text/html")
      .expect(200);
    expect(sandboxPage.text).toContain(
      '"Authorization":"Bearer \\u003cone of GATEWAY_API_KEYS\\u003e"',
    );
    expect(sandboxPage.text).not.toContain(KEY);
  });

  it("is not there in production, with or without a key", async () => {
    for (const path of [
      "/explorer",
      "/explorer/",
      "/explorer/app.js",
      "/explorer/editor.worker.js",
    ]) {
      await request(production.url).get(path).set("accept", "text/html").expect(404);
      await request(production.url).get(path).set("authorization", `Bearer ${KEY}`).expect(404);
    }
  });

  it("Apollo Sandbox's page runs without telemetry or cookies and links to the explorer", async () => {
    const { text } = await request(kit.url).get("/graphql").set("accept", "text/html").expect(200);
    expect(text).toContain('"runTelemetry":false');
    expect(text).toContain('"includeCookies":false');
    expect(text).toContain('<a href="/explorer">');
  });
});

const describeInBrowser = installed(CHROMIUM, "the offline explorer's browser test")
  ? describe
  : describe.skip;

describeInBrowser("in a browser with the network off", () => {
  let browser: Browser;
  let page: Page;
  let external: string[];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);
  afterAll(() => browser?.close());

  beforeEach(async () => {
    external = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Offline: only the gateway's origin answers; anything else is aborted and recorded.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === new URL(kit.url).origin) return route.continue();
      external.push(url);
      return route.abort("internetdisconnected");
    });
    page = await context.newPage();
  });
  afterEach(() => page.context().close());

  it("loads GraphiQL and runs the example against the emulator, asking nothing of the internet", async () => {
    const failures: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") failures.push(message.text());
    });
    page.on("pageerror", (error) => failures.push(error.message));
    await page.goto(`${kit.url}/explorer`);
    await page.waitForSelector(".graphiql-query-editor .view-lines", { timeout: 30_000 });
    // Monaco draws spaces as no-break spaces.
    const query = await page.textContent(".graphiql-query-editor .view-lines");
    expect(query?.replace(/\s+/g, " ")).toContain("mutation ResumeLink($input: ResumeLinkInput!)");
    await page.click(".graphiql-execute-button");
    const response = page.locator(".graphiql-response .view-lines");
    await response.filter({ hasText: /"__typename":\s"Link"/ }).waitFor({ timeout: 30_000 });
    expect((await response.textContent())?.replace(/\s+/g, " ")).toContain('"status": "VALID"');
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/explorer.png" });
    expect(external).toEqual([]);
    expect(failures).toEqual([]);
  }, 60_000);

  it("is reachable from Sandbox's offline page", async () => {
    await page.goto(`${kit.url}/graphql`);
    await page.waitForSelector('a[href="/explorer"]');
    // Sandbox's fallback fades in over its first 2 s (its CSP allows no script of ours to ask).
    await page.waitForTimeout(2_500);
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/sandbox-offline.png" });
    await page.click('a[href="/explorer"]');
    await page.waitForSelector(".graphiql-query-editor .view-lines", { timeout: 30_000 });
    expect(page.url()).toBe(`${kit.url}/explorer`);
    // Sandbox itself is Apollo's CDN: that is what the offline page says and why the link is there.
    expect(external.every((url) => !url.startsWith(kit.url))).toBe(true);
  }, 60_000);
});
