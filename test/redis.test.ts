/**
 * Counters shared across replicas: two gateways on one real redis-server (started here on a free
 * loopback port) enforce one limit together. `.ci/run` installs Debian's redis-server; a machine
 * without it skips this file outside CI, and CI fails instead.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { RedisCounters } from "../src/guards/counters.js";
import { challengeEntry } from "./helpers/belvo-bodies.js";
import { freePort, installed } from "./helpers/system.js";
import { FakeUpstream } from "./helpers/fake-upstream.js";
import { startGateway, type TestGateway } from "./helpers/gateway.js";
import { LINK_ID, RESUME_LINK, postGraphQL } from "./helpers/graphql.js";

const describeWithRedis = installed("redis-server", "the shared counters' test")
  ? describe
  : describe.skip;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describeWithRedis("with REDIS_URL", () => {
  let redis: ChildProcess;
  let url: string;
  let fake: FakeUpstream;
  const gateways: TestGateway[] = [];
  const counters: RedisCounters[] = [];

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    url = `redis://127.0.0.1:${port}`;
    for (let tries = 0; !(await accepts(port)); tries++) {
      if (tries > 50) throw new Error("redis-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fake = await FakeUpstream.start({ status: 428, body: [challengeEntry()] });
    for (let i = 0; i < 2; i++) {
      const shared = new RedisCounters(url, { prefix: `test-${port}:` });
      await shared.connect();
      counters.push(shared);
      gateways.push(await startGateway(fake.url, { counters: shared }));
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all(counters.map((shared) => shared.close()));
    await fake.close();
    redis.kill();
  });

  it("two gateways share one failed-attempt limit per link", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const gateway = gateways[i % 2]!;
      const { body } = await postGraphQL(gateway.url, RESUME_LINK, {
        input: { session: "ab".repeat(16), link: LINK_ID, token: "999999" },
      });
      const result = body as {
        data: { resumeLink: { __typename: string } } | null;
        errors?: { extensions: { code: string } }[];
      };
      outcomes.push(
        result.data?.resumeLink.__typename ?? result.errors?.[0]?.extensions.code ?? "?",
      );
    }
    expect(outcomes).toEqual([
      "MfaChallenge",
      "MfaChallenge",
      "MfaChallenge",
      "MfaChallenge",
      "MfaChallenge",
      "RATE_LIMITED",
      "RATE_LIMITED",
    ]);
    expect(fake.requests).toHaveLength(5);
  });

  it("counts a window from its first hit, with Redis keeping the expiry", async () => {
    const [first, second] = counters;
    expect(await first!.increment("window", 60_000)).toEqual({
      count: 1,
      resetInMs: expect.any(Number) as unknown,
    });
    const again = await second!.increment("window", 60_000);
    expect(again.count).toBe(2);
    expect(again.resetInMs).toBeGreaterThan(55_000);
    await second!.decrement("window");
    expect((await first!.increment("window", 60_000)).count).toBe(2);
  });

  it("does not resurrect an ended window when giving an attempt back", async () => {
    const [first] = counters;
    await first!.decrement("never-counted");
    expect((await first!.increment("never-counted", 60_000)).count).toBe(1);
  });
});
