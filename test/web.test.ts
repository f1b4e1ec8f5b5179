/**
 * The reference page (examples/web/) end to end in headless Chromium (Debian's, driven by
 * playwright-core, a fresh empty profile each launch). `.ci/run` installs chromium; without it this file is skipped outside CI.
 * The balances screen is kept as test-artifacts/balances.png.
 */
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startWebDemo, type WebDemo } from "../src/demo/web.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import { ManualClock } from "../src/sandbox/state.js";
import { installed } from "./helpers/system.js";
import { startGateway, type TestGateway } from "./helpers/gateway.js";

const CHROMIUM = "/usr/bin/chromium";

const describeInBrowser = installed(CHROMIUM, "the reference page's browser test")
  ? describe
  : describe.skip;

describeInBrowser("the reference MFA page", () => {
  let browser: Browser;
  let clock: ManualClock;
  let sandbox: Sandbox;
  let gateway: TestGateway;
  let demo: WebDemo;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    clock = new ManualClock();
    sandbox = await startSandbox(0, "127.0.0.1", { clock });
    gateway = await startGateway(sandbox.url, { now: () => new Date() });
    demo = await startWebDemo({ gatewayUrl: `${gateway.url}/graphql` });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await gateway?.close();
    await sandbox?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    await page.goto(demo.url);
  });
  afterEach(() => page.close());

  async function connectAs(username: string, institution = "heimdall_mx_retail") {
    await page.selectOption("select[name=institution]", institution);
    await page.selectOption("select[name=username]", username);
    await page.click("form#start button[type=submit]");
    await page.waitForSelector("[data-testid=challenge]:not([hidden])");
  }

  async function send(token?: string) {
    if (token !== undefined) await page.fill("[data-testid=token]", token);
    await page.click("[data-testid=send]");
  }

  it("a numeric challenge, a wrong token, the right token, then balances on screen", async () => {
    await connectAs("mfa_numeric");
    expect(await page.textContent("[data-testid=challenge-code]")).toMatch(/^\d{6}$/);
    expect(await page.isHidden("[data-testid=notice]")).toBe(true);
    await send("999999");
    await page.waitForSelector("[data-testid=notice]:not([hidden])");
    expect(await page.textContent("[data-testid=notice]")).toBe(
      "That code was refused; your bank sent a new challenge.",
    );
    await send("111111");
    // Retrieving balances asks again.
    await page.waitForSelector("[data-testid=notice][hidden]", { state: "attached" });
    await send("111111");
    await page.waitForSelector("[data-testid=result]:not([hidden])");
    expect(await page.textContent("[data-testid=link]")).toBe(
      "Connected to Heimdall Mexico: link VALID.",
    );
    const rows = await page.$$eval("[data-testid=balances] tbody tr", (trs) =>
      trs.map((tr) => tr.textContent ?? ""),
    );
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows[0]).toMatch(/^\d{4}-\d{2}-\d{2}Cuenta CorrienteCHECKING_ACCOUNT\d+(\.\d+)? MXN$/);
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/balances.png", fullPage: true });
  });

  it("a QR challenge is drawn and approved without a token", async () => {
    await connectAs("mfa_qr", "gotham_br_business");
    expect(await page.isVisible("[data-testid=qr] svg")).toBe(true);
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/qr-challenge.png" });
    expect(await page.isHidden("[data-testid=token]")).toBe(true);
    expect(await page.textContent("[data-testid=send]")).toBe("I have approved it");
    await send();
    await page.waitForSelector("[data-testid=challenge]:not([hidden])");
    await send();
    await page.waitForSelector("[data-testid=result]:not([hidden])");
    expect(await page.textContent("[data-testid=balances] tbody")).toContain("BRL");
  });

  it("an expired session offers to start again", async () => {
    await connectAs("mfa_default");
    clock.advance(721_000);
    await send("111111");
    await page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await page.textContent("#problem-text")).toBe(
      "The bank's session expired before the code arrived.",
    );
    await page.click("[data-testid=restart]");
    expect(await page.isVisible("[data-testid=start]")).toBe(true);
  });

  it("too many wrong codes shows when to retry", async () => {
    await connectAs("mfa_numeric");
    for (let i = 0; i < 5; i++) {
      await send("999999");
      await page.waitForSelector("[data-testid=notice]:not([hidden])");
    }
    await send("999999");
    await page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await page.textContent("#problem-text")).toMatch(
      /^Too many attempts\. Try again in \d+ seconds\.$/,
    );
  });
});
