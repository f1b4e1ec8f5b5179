/** SIGTERM on the real process: a resume in flight is answered in full, then the process exits 0. */
import { LINK_BODY, LINK_ID, resumeInput } from "./helpers/fixtures.js";
import { RESUME_LINK, postGraphQL } from "./helpers/graphql.js";
import { FakeUpstream } from "./helpers/fake-upstream.js";
import { buildOnce, runNode, waitForListening, waitForOutput } from "./helpers/process.js";

beforeAll(() => buildOnce(), 120_000);

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await FakeUpstream.start({ status: 200, body: LINK_BODY, delayMs: 1_000 });
});
afterEach(() => fake.close());

function startAgainstFake(graceMs: number) {
  return runNode("dist/index.js", {
    PORT: "0",
    BELVO_URL: fake.url,
    BELVO_SECRET_ID: "id-for-shutdown-test",
    BELVO_SECRET_PASSWORD: "password-for-shutdown-test",
    SHUTDOWN_GRACE_MS: String(graceMs),
    LOG_LEVEL: "info",
    NODE_ENV: "production",
    GATEWAY_ALLOW_ANONYMOUS: "true",
    METRICS_PUBLIC: "true",
  });
}

const INPUT = { input: resumeInput("123456") };

it("lets a resume in flight finish inside the grace period, then exits 0", async () => {
  const gateway = startAgainstFake(10_000);
  const url = await waitForListening(gateway);
  const answer = postGraphQL(url, RESUME_LINK, INPUT);
  await fake.received(1);
  gateway.child.kill("SIGTERM");
  const { status, body } = await answer;
  expect(status).toBe(200);
  expect(body).toMatchObject({
    data: { resumeLink: { __typename: "Link", id: LINK_ID, status: "VALID" } },
  });
  expect(await gateway.exit).toBe(0);
  const logs = gateway.stdout.join("");
  expect(logs).toContain("draining: waiting for requests in flight");
  expect(logs).toContain('"msg":"stopped"');
});

it("exits 0 at the end of the grace period even if Belvo has not answered", async () => {
  fake.reply({ status: 200, body: LINK_BODY, delayMs: 6_000 });
  const gateway = startAgainstFake(200);
  const url = await waitForListening(gateway);
  const answer = postGraphQL(url, RESUME_LINK, INPUT).catch((error: Error) => error);
  await fake.received(1);
  const started = Date.now();
  gateway.child.kill("SIGTERM");
  expect(await gateway.exit).toBe(0);
  // Well before Belvo would have answered: the grace, not the upstream, ended it.
  expect(Date.now() - started).toBeLessThan(3_000);
  await answer;
});

it("a second SIGTERM during the drain is logged and ignored: five resumes in flight all get their answers", async () => {
  fake.reply({ status: 200, body: LINK_BODY, delayMs: 1_000 });
  const gateway = startAgainstFake(10_000);
  const url = await waitForListening(gateway);
  const answers = Array.from({ length: 5 }, () => postGraphQL(url, RESUME_LINK, INPUT));
  await fake.received(5);
  gateway.child.kill("SIGTERM");
  await waitForOutput(gateway, /draining: waiting for requests in flight/);
  gateway.child.kill("SIGTERM");
  for (const { status, body } of await Promise.all(answers)) {
    expect(status).toBe(200);
    expect(body).toMatchObject({ data: { resumeLink: { __typename: "Link", id: LINK_ID } } });
  }
  expect(await gateway.exit).toBe(0);
  const logs = gateway.stdout.join("");
  expect(logs).toContain("already shutting down: signal ignored");
  expect(logs).toContain('"msg":"stopped"');
});
