/**
 * The reference page (examples/web/) end to end in headless Chromium (Debian's, driven by
 * playwright-core; one browser for the file, each test's page in a fresh context of its own).
 * `.ci/run` installs chromium; without it this file is skipped outside CI.
 * Each state is kept as test-artifacts/web-<state>-<width>.png, at 375 px (a phone, where the page
 * must not scroll sideways) and at 1280 px.
 */
import { mkdirSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { startWebDemo, type WebDemo } from "../src/demo/web.js";
import { ManualClock } from "../src/sandbox/state.js";
import { installed } from "./helpers/system.js";
import { useGateway, type Kit } from "./helpers/kit.js";
import { WEBHOOK_SECRET } from "./helpers/events.js";
import { sendWebhook } from "../src/sandbox/webhooks.js";

const CHROMIUM = "/usr/bin/chromium";

const describeInBrowser = installed(CHROMIUM, "the reference page's browser test")
  ? describe
  : describe.skip;

/** The page's world: chromium, the emulator on a manual clock, the gateway and the demo server. */
interface DemoPage {
  kit: Kit;
  browser: Browser;
  clock: ManualClock;
  demo: WebDemo;
  /** A fresh page per test. */
  page: Page;
  /** Every call the emulator received, as "METHOD /path". */
  upstream: string[];
}

/**
 * Chromium, launched once for the file (a launch costs seconds of CPU): every test opens its page
 * with browser.newPage, a new context of its own (no cookies, storage or cache of another test).
 */
let browser: Promise<Browser> | undefined;
const sharedBrowser = () =>
  (browser ??= chromium.launch({
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
  }));
afterAll(async () => {
  await (await browser)?.close();
});

function useDemoPage(): DemoPage {
  const w = { upstream: [] as string[] } as DemoPage;
  w.kit = useGateway({
    upstream: "emulator",
    now: () => new Date(),
    events: { webhookSecret: WEBHOOK_SECRET },
    emulator: () => {
      w.clock = new ManualClock();
      return { clock: w.clock };
    },
  });
  beforeAll(async () => {
    w.browser = await sharedBrowser();
    w.kit.sandbox.server.on("request", (req: IncomingMessage) =>
      w.upstream.push(`${req.method} ${req.url}`),
    );
    w.demo = await startWebDemo({ gatewayUrl: `${w.kit.url}/graphql` });
    mkdirSync("test-artifacts", { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await w.demo?.close();
  });
  beforeEach(async () => {
    w.upstream.length = 0;
    w.page = await w.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await w.page.goto(w.demo.url);
    // goto resolves at the load event, before app.js has read config.json and set its handlers.
    await pageReady(w.page);
  });
  afterEach(() => w.page.close());
  return w;
}

/** The page's script has set every handler: it enables the forms last (examples/web/app.ts). */
const pageReady = (page: Page) => page.waitForSelector("[data-testid=connect]:enabled");

/** Screenshots of the state on screen at a phone's width and a desktop's; no sideways scroll. */
async function shoot({ page }: DemoPage, state: string) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    // Run in the page (the test's TypeScript has no DOM types).
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>(
      "[document.documentElement.scrollWidth, window.innerWidth]",
    );
    expect({ state, width, scrollWidth }).toEqual({ state, width, scrollWidth: innerWidth });
    if (width === 375) {
      // Nor does a table scroll sideways inside its box on a phone: every column fits.
      const tables = await page.evaluate<[number, number][]>(
        "[...document.querySelectorAll('.table-wrap')].map((wrap) => [wrap.scrollWidth, wrap.clientWidth])",
      );
      for (const [tableWidth, boxWidth] of tables) {
        expect({ state, tableWidth }).toEqual({
          state,
          tableWidth: Math.min(tableWidth, boxWidth),
        });
      }
    }
    await page.screenshot({ path: `test-artifacts/web-${state}-${width}.png`, fullPage: true });
  }
}

/**
 * The options whose text a select at the current width would cut: each option's text, measured in
 * the select's font, against the select's inner width less its arrow (about 2rem).
 */
async function cutOptions({ page }: DemoPage) {
  return page.evaluate<string[]>(`[...document.querySelectorAll("select")].flatMap((select) => {
    const context = document.createElement("canvas").getContext("2d");
    context.font = getComputedStyle(select).font;
    const room = select.clientWidth - 32;
    return [...select.options].filter((option) => context.measureText(option.text).width > room).map((option) => option.text);
  })`);
}

/** At 375 px every bank and username option reads whole; the bank's hint is under it. */
async function optionsAtPhoneWidth(w: DemoPage) {
  await w.page.setViewportSize({ width: 375, height: 800 });
  const cut = await cutOptions(w);
  const hint = await w.page.textContent("[data-testid=institution-hint]");
  await w.page.setViewportSize({ width: 1280, height: 800 });
  return { cut, hint };
}

/** The earlier days of the first account: rows shown before and after its button is pressed. */
async function earlierDaysShown({ page }: DemoPage) {
  const shown = () => page.$$eval("tr.history:not([hidden]) li", (items) => items.length);
  const before = await shown();
  await page.click("[data-testid=balances] tr.account button");
  return { before, after: await shown() };
}

async function connectAs({ page }: DemoPage, username: string, institution = "heimdall_mx_retail") {
  await page.selectOption("select[name=institution]", institution);
  await page.selectOption("select[name=username]", username);
  await page.click("[data-testid=connect]");
  await page.waitForSelector("[data-testid=challenge]:not([hidden])");
}

async function send({ page }: DemoPage, token?: string) {
  if (token !== undefined) await page.fill("[data-testid=token]", token);
  await page.click("[data-testid=send]");
}

/** Holds every call to the gateway until `release()`: a slow bank, as the user sees it. */
async function holdGateway({ page, kit }: DemoPage) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`${kit.url}/graphql`, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** The gateway's answers replaced by `body`: an error the emulator cannot be made to give. */
async function answerWith({ page, kit, demo }: DemoPage, body: unknown) {
  await page.route(`${kit.url}/graphql`, (route) =>
    route.fulfill({
      status: 200,
      contentType: "application/json",
      headers: { "access-control-allow-origin": new URL(demo.url).origin },
      body: JSON.stringify(body),
    }),
  );
}

/** The gateway reachable again: the problem's Try again leads back to the code challenge. */
async function retryWithGatewayBack({ page, kit }: DemoPage) {
  await page.unroute(`${kit.url}/graphql`);
  await page.click("[data-testid=retry]");
  await page.waitForSelector("[data-testid=challenge]:not([hidden])");
}

/** The problem on screen: its text and the buttons it offers. */
async function problemShown({ page }: DemoPage) {
  await page.waitForSelector("[data-testid=problem]:not([hidden])");
  const buttons = await page.$$eval("[data-testid=problem] button:not([hidden])", (found) =>
    found.map((button) => button.textContent?.trim()),
  );
  return { text: await page.textContent("#problem-text"), buttons };
}

/**
 * A fresh page whose config.json is held, so app.js has not set its handlers yet: what a click on
 * Connect does then, and the page once config.json arrives.
 */
async function clickBeforeTheScript({ browser, demo }: DemoPage) {
  let release!: () => void;
  const configHeld = new Promise<void>((resolve) => (release = resolve));
  const page = await browser.newPage();
  try {
    await page.route("**/config.json", async (route) => {
      await configHeld;
      await route.continue();
    });
    await page.goto(demo.url);
    const disabled = [
      await page.isDisabled("[data-testid=connect]"),
      await page.isDisabled("input[name=password]"),
    ];
    // An enabled form would be submitted by the browser itself: a GET of this page with the
    // password in its URL.
    await page.click("[data-testid=connect]", { force: true });
    release();
    await pageReady(page);
    const password = await page.inputValue("input[name=password]");
    return { disabled, search: new URL(page.url()).search, password };
  } finally {
    release();
    await page.close();
  }
}

const EREBOR = { name: "erebor_mx_retail", displayName: "Erebor Mexico" };

const upstreamCalls = ({ upstream }: DemoPage, call: string) =>
  upstream.filter((line) => line.startsWith(call)).length;

describeInBrowser("the reference MFA page", () => {
  const w = useDemoPage();

  it("a numeric challenge, a wrong token, the right token, then balances on screen", async () => {
    await shoot(w, "start");
    expect(await optionsAtPhoneWidth(w)).toEqual({ cut: [], hint: "Asks for a second factor." });
    await connectAs(w, "mfa_numeric");
    // The emulator's challenge says which code passes.
    expect(await w.page.textContent("[data-testid=instructions]")).toBe(
      "Type this challenge code into your token device, then enter the code it shows. Emulator: 111111 passes, 999999 (or any other code) is refused.",
    );
    expect(await w.page.textContent("[data-testid=challenge-code]")).toMatch(/^\d{6}$/);
    expect(await w.page.textContent("[data-testid=step]")).toBe(
      "Step 1 of 2 · Connecting your account.",
    );
    expect(await w.page.isHidden("[data-testid=notice]")).toBe(true);
    await shoot(w, "challenge");
    await send(w, "999999");
    await w.page.waitForSelector("[data-testid=notice]:not([hidden])");
    expect(await w.page.textContent("[data-testid=notice]")).toBe(
      "That code was refused; your bank sent a new challenge.",
    );
    await shoot(w, "code-refused");
    await send(w, "111111");
    // Retrieving balances asks again, and the page says why.
    await w.page.waitForSelector("[data-testid=notice][hidden]", { state: "attached" });
    expect(await w.page.textContent("[data-testid=step]")).toBe(
      "Your account is connected. Step 2 of 2 · To share your balances, your bank asks you to confirm it's you once more.",
    );
    await shoot(w, "balances-challenge");
    await send(w, "111111");
    await w.page.waitForSelector("[data-testid=result]:not([hidden])");
    expect(await w.page.textContent("[data-testid=link]")).toBe("Connected to Heimdall Mexico.");
    // One row per account: its latest balance in pesos, the category in words, 6 earlier days.
    const rows = await w.page.$$eval("[data-testid=balances] tbody tr.account", (trs) =>
      trs.map((tr) => tr.textContent ?? ""),
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]).toMatch(
      /^Cuenta CorrienteCheckingEarlier days \(6\)-?MX\$[\d,]+\.\d{2}[A-Z][a-z]{2} \d{1,2}$/,
    );
    await shoot(w, "balances");
    expect(await earlierDaysShown(w)).toEqual({ before: 0, after: 6 });
    await shoot(w, "balances-history");
    await w.page.click("[data-testid=again]");
    expect(await w.page.isVisible("[data-testid=start]")).toBe(true);
  });

  it("a QR challenge is drawn and approved without a token", async () => {
    await connectAs(w, "mfa_qr", "gotham_br_business");
    expect(await w.page.isVisible("[data-testid=qr] svg")).toBe(true);
    await shoot(w, "qr-challenge");
    expect(await w.page.isHidden("[data-testid=token]")).toBe(true);
    expect(await w.page.textContent("[data-testid=send]")).toBe("I have approved it");
    await send(w);
    await w.page.waitForSelector("[data-testid=challenge]:not([hidden])");
    await send(w);
    await w.page.waitForSelector("[data-testid=result]:not([hidden])");
    expect(await w.page.textContent("[data-testid=balances] tbody")).toContain("R$");
  });

  it("an expired session offers to start again", async () => {
    await connectAs(w, "mfa_default");
    w.clock.advance(721_000);
    await send(w, "111111");
    await w.page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await w.page.textContent("#problem-text")).toBe(
      "The bank's session expired before the code arrived.",
    );
    expect(await w.page.isVisible("[data-testid=retry]")).toBe(false);
    await shoot(w, "session-expired");
    await w.page.click("[data-testid=restart]");
    expect(await w.page.isVisible("[data-testid=start]")).toBe(true);
  });
});

describeInBrowser("the reference MFA page: refusals", () => {
  const w = useDemoPage();

  it("too many wrong codes shows when to retry", async () => {
    await connectAs(w, "mfa_numeric");
    for (let i = 0; i < 5; i++) {
      // Each refusal's answer before the next code: the notice of the one before is still shown,
      // and the page ignores Send while a code is being checked.
      const answered = w.page.waitForResponse(
        (response) =>
          response.request().method() === "POST" &&
          response.url().startsWith(`${w.kit.url}/graphql`),
      );
      await send(w, "999999");
      await answered;
      await w.page.waitForSelector("[data-testid=notice]:not([hidden])");
    }
    await send(w, "999999");
    await w.page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await w.page.textContent("#problem-text")).toMatch(
      /^Too many attempts\. Try again in \d+ seconds\.$/,
    );
    expect(await w.page.isVisible("[data-testid=restart]")).toBe(true);
    await shoot(w, "rate-limited");
  });

  it("a code in the wrong format can be typed again while the session is open", async () => {
    await connectAs(w, "mfa_numeric");
    await send(w, "12 34");
    await w.page.waitForSelector("[data-testid=token-error]:not([hidden])");
    expect(await w.page.textContent("[data-testid=token-error]")).toBe(
      "That code doesn't look right. Type it exactly as your bank shows it, without spaces.",
    );
    expect(await w.page.isVisible("[data-testid=challenge]")).toBe(true);
    expect(upstreamCalls(w, "PATCH /api/links/")).toBe(0);
    await shoot(w, "code-format");
    await send(w, "111111");
    await w.page.waitForSelector("[data-testid=token-error][hidden]", { state: "attached" });
    expect(await w.page.textContent("[data-testid=step]")).toMatch(/^Your account is connected\./);
  });

  it("a wrong password offers to correct the login, then connects", async () => {
    await w.page.fill("input[name=password]", "not-the-password");
    await w.page.click("[data-testid=connect]");
    await w.page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await w.page.textContent("#problem-text")).toBe(
      "Your bank did not accept that username or password.",
    );
    expect(await w.page.isVisible("[data-testid=fix-login]")).toBe(true);
    expect(await w.page.isVisible("[data-testid=details] pre")).toBe(false);
    await w.page.click("[data-testid=details] summary");
    expect(await w.page.textContent("[data-testid=details] pre")).toContain(
      "code: UPSTREAM_REJECTED",
    );
    expect(await w.page.textContent("[data-testid=details] pre")).not.toContain("not-the-password");
    await shoot(w, "wrong-password");
    await w.page.click("[data-testid=fix-login]");
    expect(await w.page.isVisible("[data-testid=start]")).toBe(true);
    expect(
      await w.page.evaluate<string | null>("document.activeElement.getAttribute('name')"),
    ).toBe("password");
    await w.page.fill("input[name=password]", "numeric_code");
    await connectAs(w, "mfa_numeric");
  });
});

describeInBrowser("the reference MFA page: failures and double clicks", () => {
  const w = useDemoPage();

  it("a network failure offers to try again, and the retry goes on", async () => {
    await w.page.route(`${w.kit.url}/graphql`, (route) => route.abort("internetdisconnected"));
    await w.page.click("[data-testid=connect]");
    await w.page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await w.page.textContent("#problem-text")).toBe(
      "We couldn't reach your bank. Check your connection, then try again.",
    );
    expect(await w.page.textContent("[data-testid=details] pre")).toContain("code: NETWORK_ERROR");
    await shoot(w, "network-failure");
    await retryWithGatewayBack(w);
    expect(upstreamCalls(w, "POST /api/links/")).toBe(1);
  });

  it("a failure while a code is checked asks for the code again; the page never resends it", async () => {
    await connectAs(w, "mfa_numeric");
    await w.page.route(`${w.kit.url}/graphql`, (route) => route.abort("connectionreset"));
    await send(w, "111111");
    await w.page.waitForSelector("[data-testid=problem]:not([hidden])");
    expect(await w.page.textContent("#problem-text")).toBe(
      "We couldn't reach your bank to check the code. Check your connection, then enter the code again.",
    );
    await shoot(w, "code-network-failure");
    await retryWithGatewayBack(w);
    expect(await w.page.inputValue("[data-testid=token]")).toBe("");
    expect(upstreamCalls(w, "PATCH /api/links/")).toBe(0);
  });

  it("a double click on Connect sends one registerLink; forms are disabled and a spinner shows", async () => {
    const release = await holdGateway(w);
    await w.page.dblclick("[data-testid=connect]");
    await w.page.waitForSelector("[data-testid=busy]:not([hidden])");
    expect(await w.page.isDisabled("[data-testid=connect]")).toBe(true);
    expect(await w.page.textContent("[data-testid=busy]")).toContain(
      "this can take up to a minute",
    );
    await shoot(w, "connecting");
    await w.page.click("[data-testid=connect]", { force: true });
    release();
    await w.page.waitForSelector("[data-testid=challenge]:not([hidden])");
    expect(await w.page.isHidden("[data-testid=busy]")).toBe(true);
    expect(upstreamCalls(w, "POST /api/links/")).toBe(1);
    await w.page.unroute(`${w.kit.url}/graphql`);

    const releaseResume = await holdGateway(w);
    await w.page.fill("[data-testid=token]", "111111");
    await w.page.dblclick("[data-testid=send]");
    await w.page.waitForSelector("[data-testid=busy]:not([hidden])");
    expect(await w.page.isDisabled("[data-testid=send]")).toBe(true);
    expect(await w.page.isDisabled("[data-testid=token]")).toBe(true);
    expect(await w.page.textContent("[data-testid=busy]")).toContain(
      "Checking with your bank… this can take up to a minute.",
    );
    await shoot(w, "checking-code");
    releaseResume();
    await w.page.waitForSelector("[data-testid=busy][hidden]", { state: "attached" });
    expect(upstreamCalls(w, "PATCH /api/links/")).toBe(1);
  });
});

describeInBrowser("the reference MFA page: every other error offers a next step", () => {
  const w = useDemoPage();

  it("an error on the gateway's side that is not retryable: try again, or start again", async () => {
    await answerWith(w, {
      errors: [
        {
          message: "Belvo answered HTTP 500.",
          path: ["registerLink"],
          extensions: {
            code: "UPSTREAM_ERROR",
            retryable: false,
            upstream: { status: 500, code: null, requestId: null },
          },
        },
      ],
      data: null,
    });
    await w.page.click("[data-testid=connect]");
    expect(await problemShown(w)).toEqual({
      text: "Something went wrong on our side. Please try again in a moment.",
      buttons: ["Try again", "Start again"],
    });
    expect(await w.page.textContent("[data-testid=details] pre")).toContain("code: UPSTREAM_ERROR");
    await shoot(w, "server-error");
    await retryWithGatewayBack(w);
    expect(upstreamCalls(w, "POST /api/links/")).toBe(1);
  });

  it("a login the gateway refuses (no password): correct the login", async () => {
    await w.page.fill("input[name=password]", "");
    await w.page.click("[data-testid=connect]");
    expect(await problemShown(w)).toEqual({
      text: "Please check the bank, username and password.",
      buttons: ["Correct the login"],
    });
    expect(await w.page.textContent("[data-testid=details] pre")).toContain("code: BAD_USER_INPUT");
    expect(upstreamCalls(w, "POST /api/links/")).toBe(0);
    await shoot(w, "login-refused");
    await w.page.click("[data-testid=fix-login]");
    expect(await w.page.isVisible("[data-testid=start]")).toBe(true);
  });

  it("a failure in the page itself (not the gateway's error): start again", async () => {
    // A Link without its institution: the page fails reading it.
    await answerWith(w, {
      data: { registerLink: { __typename: "Link", id: "x", status: "VALID" } },
    });
    await w.page.click("[data-testid=connect]");
    expect(await problemShown(w)).toEqual({
      text: "Something went wrong on this page. Please start again.",
      buttons: ["Start again"],
    });
    expect(await w.page.textContent("[data-testid=details] pre")).toMatch(/^TypeError: /);
    await shoot(w, "page-error");
    await w.page.click("[data-testid=restart]");
    expect(await w.page.isVisible("[data-testid=start]")).toBe(true);
  });
});

/** Balances of two accounts as the gateway sends them: exact decimal strings. */
const account = (id: string, name: string, category: string, currency: string) => ({
  id,
  name,
  category,
  currency,
});
const CHECKING = account("a1", "Cuenta Corriente", "CHECKING_ACCOUNT", "MXN");
const PENSION = account("a2", "Previdência", "PENSION_FUND_ACCOUNT", "BRL");
const balance = (valueDate: string, amount: string, of: typeof CHECKING) => ({
  id: `${of.id}-${valueDate}`,
  valueDate,
  balance: amount,
  account: of,
});

describeInBrowser("the reference MFA page: what a person reads", () => {
  const w = useDemoPage();

  it("its forms are disabled until app.js has set their handlers: a click then sends nothing", async () => {
    expect(await clickBeforeTheScript(w)).toEqual({
      disabled: [true, true],
      search: "",
      password: "numeric_code",
    });
  });

  it("amounts keep every digit Belvo sent, in the account's currency", async () => {
    await answerWith(w, {
      data: {
        registerLink: { __typename: "Link", id: "l1", status: "VALID", institution: EREBOR },
        retrieveBalances: {
          __typename: "BalanceList",
          saved: true,
          balances: [
            balance("2026-11-30", "-1200", CHECKING),
            balance("2026-12-01", "12345678901234567.891", CHECKING),
            balance("2026-12-02", "0.5", PENSION),
          ],
        },
      },
    });
    await w.page.click("[data-testid=connect]");
    await w.page.waitForSelector("[data-testid=result]:not([hidden])");
    await w.page.click("[data-testid=balances] tr.account button");
    const rows = await w.page.$$eval("[data-testid=balances] tbody tr:not([hidden])", (trs) =>
      trs.map((tr) => tr.textContent),
    );
    expect(rows).toEqual([
      "Cuenta CorrienteCheckingEarlier days (1)MX$12,345,678,901,234,567.891Dec 1",
      "Nov 30-MX$1,200.00",
      "PrevidênciaPension fundR$0.50Dec 2",
    ]);
    await shoot(w, "amounts");
  });

  it("a link whose bank wants its user again (TOKEN_REQUIRED) says what to do, and asks nothing more", async () => {
    await answerWith(w, {
      data: {
        registerLink: {
          __typename: "Link",
          id: "l1",
          status: "TOKEN_REQUIRED",
          institution: EREBOR,
        },
      },
    });
    await w.page.click("[data-testid=connect]");
    expect(await problemShown(w)).toEqual({
      text: "Your bank asks you to confirm it's you again before it shares data. Reconnect to confirm.",
      buttons: ["Reconnect", "Start again"],
    });
    expect(await w.page.textContent("[data-testid=details] pre")).toBe(
      "link status: TOKEN_REQUIRED",
    );
    await shoot(w, "link-token-required");
  });
});

describeInBrowser("the reference page: saved transactions", () => {
  const w = useDemoPage();

  it("lists a connected account's transactions 50 at a time, with Load more", async () => {
    await w.page.selectOption("select[name=institution]", "erebor_mx_retail");
    await w.page.selectOption("select[name=username]", "user_history");
    await w.page.click("[data-testid=connect]");
    await w.page.waitForSelector("[data-testid=transactions]:not([hidden])");
    const link = w.kit.sandbox.state.allLinks().at(-1)!.id;
    const account = await w.page.inputValue("[data-testid=transactions-account]");
    const saved = w.kit.sandbox.state
      .savedOf("transactions", link)
      .filter((item) => item.account.id === account);
    const listed = () =>
      w.page.$$eval("[data-testid=transactions-list] tbody tr .description", (cells) =>
        cells.map((cell) => cell.textContent),
      );
    await w.page.click("[data-testid=show-transactions]");
    await w.page.waitForSelector("[data-testid=load-more]:not([hidden])");
    expect(await listed()).toEqual(saved.slice(0, 50).map((item) => item.description));
    expect(await w.page.textContent("[data-testid=transactions-note]")).toBe(
      `50 of ${saved.length}`,
    );
    await shoot(w, "transactions");
    await w.page.click("[data-testid=load-more]");
    await w.page.waitForFunction(
      "document.querySelectorAll('[data-testid=transactions-list] tbody tr').length === 100",
    );
    expect(await listed()).toEqual(saved.slice(0, 100).map((item) => item.description));
    // One Belvo GET a page, Belvo's filters and page numbers.
    expect(w.upstream.filter((call) => call.startsWith("GET /api/transactions/"))).toEqual([
      `GET /api/transactions/?link=${link}&account=${account}&page=1&page_size=50`,
      `GET /api/transactions/?link=${link}&account=${account}&page=2&page_size=50`,
    ]);
  });
});

/** Connects without a second factor and waits for the balances. */
async function connectPlain({ page }: DemoPage, username: string) {
  await page.selectOption("select[name=institution]", "erebor_mx_retail");
  await page.selectOption("select[name=username]", username);
  await page.click("[data-testid=connect]");
  await page.waitForSelector("[data-testid=result]:not([hidden])");
}

async function reconnectWith({ page }: DemoPage, password: string) {
  await page.click("[data-testid=reconnect-offer]");
  await page.waitForSelector("[data-testid=reconnect]:not([hidden])");
  await page.fill("[data-testid=reconnect-password]", password);
  await page.click("[data-testid=reconnect-send]");
}

describeInBrowser("the reference page: a link's life", () => {
  const w = useDemoPage();

  it("a link whose password changed: Refresh finds it INVALID, Reconnect (updateLink) brings the balances back, a second Refresh meets the cooldown, Disconnect deletes it", async () => {
    await connectPlain(w, "user_password_changes");
    await w.page.click("[data-testid=refresh]");
    expect(await problemShown(w)).toEqual({
      text: "Your bank no longer accepts this connection (the password may have changed). Reconnect it with your current password.",
      buttons: ["Reconnect", "Start again"],
    });
    await shoot(w, "link-invalid");
    await reconnectWith(w, "not-the-password");
    await w.page.waitForSelector("[data-testid=reconnect-error]:not([hidden])");
    expect(await w.page.textContent("[data-testid=reconnect-error]")).toBe(
      "Your bank did not accept that password.",
    );
    await w.page.fill("[data-testid=reconnect-password]", "pass_valid");
    await w.page.click("[data-testid=reconnect-send]");
    await w.page.waitForSelector("[data-testid=result]:not([hidden])");
    expect(await w.page.textContent("[data-testid=link]")).toBe("Connected to Erebor Mexico.");

    await w.page.click("[data-testid=refresh]");
    await w.page.waitForSelector("[data-testid=link-notice]:not([hidden])");
    expect(await w.page.textContent("[data-testid=link-notice]")).toBe(
      "Your data was refreshed a moment ago. You can refresh again in 10 minutes.",
    );

    await w.page.click("[data-testid=disconnect]");
    await w.page.waitForSelector("[data-testid=start-notice]:not([hidden])");
    expect(await w.page.textContent("[data-testid=start-notice]")).toBe(
      "Disconnected: the connection to your bank and its data were deleted.",
    );
    expect(
      ["PUT /api/links/", "POST /api/links/", "DELETE /api/links/"].map((call) =>
        upstreamCalls(w, call),
      ),
    ).toEqual([2, 1 + 2, 1]);
  });

  it("a link whose bank asks for a code again: Reconnect answers the MFA step, then balances", async () => {
    await connectPlain(w, "user_token_again");
    await w.page.click("[data-testid=refresh]");
    expect((await problemShown(w)).buttons).toEqual(["Reconnect", "Start again"]);
    await reconnectWith(w, "pass_valid");
    await w.page.waitForSelector("[data-testid=challenge]:not([hidden])");
    expect(await w.page.textContent("[data-testid=step]")).toBe(
      "Reconnecting your account · Your bank asks you to confirm it's you.",
    );
    await send(w, "111111");
    await w.page.waitForSelector("[data-testid=result]:not([hidden])");
    expect(await w.page.isHidden("[data-testid=link-notice]")).toBe(true);
  });

  it("Use Belvo's widget: the gateway mints the token, the page shows how it is handed over (the widget needs the internet)", async () => {
    await w.page.click("[data-testid=use-widget]");
    await w.page.waitForSelector("[data-testid=widget]:not([hidden])");
    expect(await w.page.textContent("[data-testid=widget-text]")).toMatch(
      /^The gateway minted a widget token, valid until .+\. A page hands it to Belvo's widget like this:$/,
    );
    const code = (await w.page.textContent("[data-testid=widget-code]")) ?? "";
    expect(code).toContain("window.belvoSDK");
    expect(code).toContain(".createWidget(token.access, {");
    expect(await w.page.textContent("[data-testid=widget-internet]")).toContain(
      "needs the internet",
    );
    expect(upstreamCalls(w, "POST /api/token/")).toBe(1);
    await shoot(w, "widget");
    await w.page.click("[data-testid=widget-back]");
    expect(await w.page.isVisible("[data-testid=start]")).toBe(true);
  });
});

describeInBrowser("the reference MFA page: the link's events", () => {
  const w = useDemoPage();

  it("a live timeline of the link's events; new data refreshes the balances", async () => {
    const webhooks = w.kit.sandbox.webhooks;
    webhooks.target = { url: `${w.kit.url}/webhooks/belvo`, secret: WEBHOOK_SECRET };
    webhooks.delayMs = 0;
    try {
      await w.page.selectOption("select[name=institution]", "erebor_mx_retail");
      await w.page.selectOption("select[name=username]", "user_valid");
      await w.page.click("[data-testid=connect]");
      await w.page.waitForSelector("[data-testid=result]:not([hidden])");
      const timeline = () =>
        w.page.$$eval("[data-testid=event]", (items) =>
          items.map((item) => (item.textContent ?? "").replace(/^\S+ (AM |PM )?/, "")),
        );
      await w.page.waitForSelector("[data-testid=event]");
      await webhooks.settled();
      expect(await timeline()).toEqual([
        "TRANSACTIONS historical_update",
        "ACCOUNTS historical_update",
      ]);
      const before = upstreamCalls(w, "POST /api/balances/");
      const linkId = w.kit.sandbox.state.allLinks().at(-1)!.id;
      sendWebhook(w.kit.sandbox.state, {
        webhook_type: "TRANSACTIONS",
        webhook_code: "new_transactions_available",
        link_id: linkId,
        data: { new_transactions: 2 },
      });
      await w.page.waitForFunction("document.querySelectorAll('[data-testid=event]').length === 3");
      expect((await timeline())[0]).toBe("TRANSACTIONS new_transactions_available");
      // The balances are fetched again: the page's tables follow the data.
      for (let tries = 0; upstreamCalls(w, "POST /api/balances/") === before; tries++) {
        if (tries > 200) throw new Error("the balances were not fetched again");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      webhooks.target = null;
    }
  });
});
