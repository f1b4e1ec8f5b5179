/**
 * The reference page (examples/web/) end to end in headless Chromium (Debian's, driven by
 * playwright-core, a fresh empty profile each launch). `.ci/run` installs chromium; without it this file is skipped outside CI.
 * Each state is kept as test-artifacts/web-<state>-<width>.png, at 375 px (a phone, where the page
 * must not scroll sideways) and at 1280 px.
 */
import { mkdirSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { startWebDemo, type WebDemo } from "../src/demo/web.js";
import { ManualClock } from "../src/sandbox/state.js";
import { installed } from "./helpers/system.js";
import { useGateway } from "./helpers/kit.js";

const CHROMIUM = "/usr/bin/chromium";

const describeInBrowser = installed(CHROMIUM, "the reference page's browser test")
  ? describe
  : describe.skip;

describeInBrowser("the reference MFA page", () => {
  let browser: Browser;
  let clock: ManualClock;
  const kit = useGateway({
    upstream: "emulator",
    now: () => new Date(),
    emulator: () => {
      clock = new ManualClock();
      return { clock };
    },
  });
  let demo: WebDemo;
  let page: Page;
  /** Every call the emulator received, as "METHOD /path". */
  const upstream: string[] = [];

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
    kit.sandbox.server.on("request", (req: IncomingMessage) =>
      upstream.push(`${req.method} ${req.url}`),
    );
    demo = await startWebDemo({ gatewayUrl: `${kit.url}/graphql` });
    mkdirSync("test-artifacts", { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  beforeEach(async () => {
    upstream.length = 0;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(demo.url);
  });
  afterEach(() => page.close());

  /** Screenshots of the state on screen at a phone's width and a desktop's; no sideways scroll. */
  async function shoot(state: string) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      // Run in the page (the test's TypeScript has no DOM types).
      const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>(
        "[document.documentElement.scrollWidth, window.innerWidth]",
      );
      expect({ state, width, scrollWidth }).toEqual({ state, width, scrollWidth: innerWidth });
      await page.screenshot({ path: `test-artifacts/web-${state}-${width}.png`, fullPage: true });
    }
  }

  async function connectAs(username: string, institution = "heimdall_mx_retail") {
    await page.selectOption("select[name=institution]", institution);
    await page.selectOption("select[name=username]", username);
    await page.click("[data-testid=connect]");
    await page.waitForSelector("[data-testid=challenge]:not([hidden])");
  }

  async function send(token?: string) {
    if (token !== undefined) await page.fill("[data-testid=token]", token);
    await page.click("[data-testid=send]");
  }

  /** Holds every call to the gateway until `release()`: a slow bank, as the user sees it. */
  async function holdGateway() {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`${kit.url}/graphql`, async (route) => {
      await held;
      await route.continue();
    });
    return release;
  }

  const upstreamCalls = (call: string) => upstream.filter((line) => line.startsWith(call)).length;

  it("a numeric challenge, a wrong token, the right token, then balances on screen", async () => {
    await shoot("start");
    await connectAs("mfa_numeric");
    expect(await page.textContent("[data-testid=challenge-code]")).toMatch(/^\d{6}$/);
    expect(await page.textContent("[data-testid=step]")).toBe(
      "Step 1 of 2 · Connecting your account.",
    );
    expect(await page.isHidden("[data-testid=notice]")).toBe(true);
    await shoot("challenge");
    await send("999999");
    await page.waitForSelector("[data-testid=notice]:not([hidden])");
    expect(await page.textContent("[data-testid=notice]")).toBe(
      "That code was refused; your bank sent a new challenge.",
    );
    await shoot("code-refused");
    await send("111111");
    // Retrieving balances asks again, and the page says why.
    await page.waitForSelector("[data-testid=notice][hidden]", { state: "attached" });
    expect(await page.textContent("[data-testid=step]")).toBe(
      "Your account is connected. Step 2 of 2 · To share your balances, your bank asks you to confirm it's you once more.",
    );
    await shoot("balances-challenge");
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
    await shoot("balances");
    await page.click("[data-testid=again]");
    expect(await page.isVisible("[data-testid=start]")).toBe(true);
  });

  it("a QR challenge is drawn and approved without a token", async () => {
    await connectAs("mfa_qr", "gotham_br_business");
    expect(await page.isVisible("[data-testid=qr] svg")).toBe(true);
    await shoot("qr-challenge");
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
    expect(await page.isVisible("[data-testid=retry]")).toBe(false);
    await shoot("session-expired");
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
    expect(await page.isVisible("[data-testid=restart]")).toBe(true);
    await shoot("rate-limited");
  });

  it("a code in the wrong format can be typed again while the session is open", async () => {
    await connectAs("mfa_numeric");
    await send("12 34");
    await page.waitForSelector("[data-testid=token-error]:not([hidden])");
    expect(await page.textContent("[data-testid=token-error]")).toBe(
      "That code doesn't look right. Type it exactly as your bank shows it, without spaces.",
    );
    expect(await page.isVisible("[data-testid=challenge]")).toBe(true);
    expect(upstreamCalls("PATCH /api/links/")).toBe(0);
    await shoot("code-format");
    await send("111111");
    await page.waitForSelector("[data-testid=token-error][hidden]", { state: "attached" });
    expect(await page.textContent("[data-testid=step]")).toMatch(/^Your account is connected\./);
  });

  it("a wrong password offers to correct the login, then connects", async () => {
    await page.fill("input[name=password]", "not-the-password");
    await page.click("[data-testid=connect]");
    await page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await page.textContent("#problem-text")).toBe(
      "Your bank did not accept that username or password.",
    );
    expect(await page.isVisible("[data-testid=fix-login]")).toBe(true);
    expect(await page.isVisible("[data-testid=details] pre")).toBe(false);
    await page.click("[data-testid=details] summary");
    expect(await page.textContent("[data-testid=details] pre")).toContain(
      "code: UPSTREAM_REJECTED",
    );
    expect(await page.textContent("[data-testid=details] pre")).not.toContain("not-the-password");
    await shoot("wrong-password");
    await page.click("[data-testid=fix-login]");
    expect(await page.isVisible("[data-testid=start]")).toBe(true);
    expect(await page.evaluate<string | null>("document.activeElement.getAttribute('name')")).toBe(
      "password",
    );
    await page.fill("input[name=password]", "numeric_code");
    await connectAs("mfa_numeric");
  });

  it("a network failure offers to try again, and the retry goes on", async () => {
    await page.route(`${kit.url}/graphql`, (route) => route.abort("internetdisconnected"));
    await page.click("[data-testid=connect]");
    await page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await page.textContent("#problem-text")).toBe(
      "We couldn't reach your bank. Check your connection, then try again.",
    );
    expect(await page.textContent("[data-testid=details] pre")).toContain("code: NETWORK_ERROR");
    await shoot("network-failure");
    await page.unroute(`${kit.url}/graphql`);
    await page.click("[data-testid=retry]");
    await page.waitForSelector("[data-testid=challenge]:not([hidden])");
    expect(upstreamCalls("POST /api/links/")).toBe(1);
  });

  it("a failure while a code is checked asks for the code again; the page never resends it", async () => {
    await connectAs("mfa_numeric");
    await page.route(`${kit.url}/graphql`, (route) => route.abort("connectionreset"));
    await send("111111");
    await page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await page.textContent("#problem-text")).toBe(
      "We couldn't reach your bank to check the code. Check your connection, then enter the code again.",
    );
    await page.unroute(`${kit.url}/graphql`);
    await page.click("[data-testid=retry]");
    await page.waitForSelector("[data-testid=challenge]:not([hidden])");
    expect(await page.inputValue("[data-testid=token]")).toBe("");
    expect(upstreamCalls("PATCH /api/links/")).toBe(0);
  });

  it("a double click on Connect sends one registerLink; forms are disabled and a spinner shows", async () => {
    const release = await holdGateway();
    await page.dblclick("[data-testid=connect]");
    await page.waitForSelector("[data-testid=busy]:not([hidden])");
    expect(await page.isDisabled("[data-testid=connect]")).toBe(true);
    expect(await page.textContent("[data-testid=busy]")).toContain("this can take up to a minute");
    await shoot("connecting");
    await page.click("[data-testid=connect]", { force: true });
    release();
    await page.waitForSelector("[data-testid=challenge]:not([hidden])");
    expect(await page.isHidden("[data-testid=busy]")).toBe(true);
    expect(upstreamCalls("POST /api/links/")).toBe(1);
    await page.unroute(`${kit.url}/graphql`);

    const releaseResume = await holdGateway();
    await page.fill("[data-testid=token]", "111111");
    await page.dblclick("[data-testid=send]");
    await page.waitForSelector("[data-testid=busy]:not([hidden])");
    expect(await page.isDisabled("[data-testid=send]")).toBe(true);
    expect(await page.isDisabled("[data-testid=token]")).toBe(true);
    await shoot("checking-code");
    releaseResume();
    await page.waitForSelector("[data-testid=busy][hidden]", { state: "attached" });
    expect(upstreamCalls("PATCH /api/links/")).toBe(1);
  });
});
