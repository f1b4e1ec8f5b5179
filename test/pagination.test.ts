/** Belvo's lists: a `next` that loops or never ends is not followed forever (issue 12, item 7). */
import http from "node:http";
import { type RecordedRequest } from "./helpers/fake-upstream.js";
import { TEST_REQUEST_ID } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { postGraphQL } from "./helpers/graphql.js";

const INSTITUTIONS = "{ institutions { name } }";

const kit = useGateway({ upstream: "fake", perTest: true, lazy: true });

const pageOf = (request: RecordedRequest) =>
  Number(new URL(request.path, kit.fake.url).searchParams.get("page") ?? "1");

/** A page of one institution whose `next` is `next(page)`. */
function pages(next: (page: number) => number | null, delayMs = 0) {
  kit.fake.route = (request) => {
    const page = pageOf(request);
    const target = next(page);
    return {
      status: 200,
      delayMs,
      body: {
        count: 1_000_000,
        next:
          target === null
            ? null
            : `${kit.fake.url}/api/institutions/?page_size=1000&page=${target}`,
        previous: null,
        results: [{ name: `bank_${page}`, country_codes: ["MX"] }],
      },
    };
  };
}

const upstreamError = (message: string, code = "UPSTREAM_ERROR", retryable = false) => ({
  data: null,
  errors: [
    {
      message,
      path: ["institutions"],
      extensions: {
        code,
        upstream: { status: code === "UPSTREAM_ERROR" ? 200 : null, code: null, requestId: null },
        retryable,
        requestId: TEST_REQUEST_ID,
      },
    },
  ],
});

it("follows `next` to the end when it ends", async () => {
  const gateway = await kit.another();
  pages((page) => (page < 3 ? page + 1 : null));
  const { body } = await postGraphQL(gateway.url, INSTITUTIONS);
  expect(body).toEqual({
    data: { institutions: [{ name: "bank_1" }, { name: "bank_2" }, { name: "bank_3" }] },
  });
  expect(kit.fake.requests.map(pageOf)).toEqual([1, 2, 3]);
});

it("a `next` pointing back to the same page stops at once", async () => {
  const gateway = await kit.another();
  pages(() => 1);
  const { body } = await postGraphQL(gateway.url, INSTITUTIONS);
  expect(body).toEqual(
    upstreamError("Belvo's list pointed back to a page already read; the gateway stopped there."),
  );
  expect(kit.fake.requests.map(pageOf)).toEqual([1, 1]);
});

it("a loop over several pages is detected", async () => {
  const gateway = await kit.another();
  pages((page) => (page % 3) + 1);
  const { body } = await postGraphQL(gateway.url, INSTITUTIONS);
  expect(body).toEqual(
    upstreamError("Belvo's list pointed back to a page already read; the gateway stopped there."),
  );
  expect(kit.fake.requests.map(pageOf)).toEqual([1, 2, 3, 1]);
});

it("an endless list stops at the page cap", async () => {
  const gateway = await kit.another({ limits: { maxListPages: 5 } });
  pages((page) => page + 1);
  const { body } = await postGraphQL(gateway.url, INSTITUTIONS);
  expect(body).toEqual(
    upstreamError("Belvo's list went on past 5 pages; the gateway stopped following it."),
  );
  expect(kit.fake.requests.map(pageOf)).toEqual([1, 2, 3, 4, 5]);
});

it("the cap defaults to 100 pages", async () => {
  // Under a budget that allows them (MAX_UPSTREAM_COST stops a list at 30 requests by default).
  const gateway = await kit.another({ limits: { maxUpstreamCost: 1_000 } });
  pages((page) => page + 1);
  const { body } = await postGraphQL(gateway.url, INSTITUTIONS);
  expect(body).toEqual(
    upstreamError("Belvo's list went on past 100 pages; the gateway stopped following it."),
  );
  expect(kit.fake.requests).toHaveLength(100);
});

it("one deadline covers every page of a list", async () => {
  const gateway = await kit.another({ timeoutMs: 600 });
  pages((page) => page + 1, 100);
  const { body } = await postGraphQL(gateway.url, INSTITUTIONS);
  expect(body).toEqual(
    upstreamError("Belvo did not answer within 600 ms; retry later.", "UPSTREAM_TIMEOUT", true),
  );
  // Each page takes 100 ms: a deadline per page would have read all 100.
  expect(kit.fake.requests.length).toBeLessThanOrEqual(7);
});

it("stops following pages once the client is gone", async () => {
  const gateway = await kit.another({ timeoutMs: 60_000 });
  pages((page) => page + 1, 50);
  const url = new URL(`${gateway.url}/graphql`);
  const request = http.request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
  });
  request.on("error", () => undefined);
  request.end(JSON.stringify({ query: INSTITUTIONS }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  request.destroy();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const afterLeaving = kit.fake.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 600));
  // At most the page in flight when the client left.
  expect(kit.fake.requests.length).toBeLessThanOrEqual(afterLeaving + 1);
  expect(afterLeaving).toBeLessThan(20);
});
