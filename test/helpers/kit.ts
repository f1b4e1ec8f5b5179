/**
 * The test kit: `useGateway` starts the real gateway in front of an upstream (the recording fake or
 * the emulator), registers its own start and close with jest (graphql-request's `setupMockServer`
 * is the model), and hands the test what it talks to.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { FakeUpstream, type Reply } from "./fake-upstream.js";
import { startGateway, type GatewayOverrides, type TestGateway } from "./gateway.js";
import { postGraphQL, type GraphQLAnswer } from "./graphql.js";

export interface KitOptions extends GatewayOverrides {
  upstream: "fake" | "emulator";
  /**
   * A fresh upstream and gateway for every test (`beforeEach`/`afterEach`), where a test leaves
   * state behind in the gateway (cap counters, a closed gateway); by default one for the file.
   */
  perTest?: boolean;
  /** What the fake answers until a test scripts otherwise (set again before every test). */
  replies?: Reply[];
  /** Or how the fake answers every request (`FakeUpstream.route`), set again before every test. */
  route?: FakeUpstream["route"];
}

export interface Kit {
  /** The gateway's base URL (`${url}/graphql` is the endpoint). */
  readonly url: string;
  readonly gateway: TestGateway;
  /** Every log line the gateway wrote, as text. */
  readonly logs: string[];
  /** The recording fake upstream (with `upstream: "fake"`); its requests are cleared per test. */
  readonly fake: FakeUpstream;
  /** The emulator (with `upstream: "emulator"`). */
  readonly sandbox: Sandbox;
  /** The upstream's base URL, for a second gateway or a direct call. */
  readonly upstreamUrl: string;
  /** POSTs one operation to the gateway (`x-request-id` is TEST_REQUEST_ID). */
  post<V extends Record<string, unknown>>(
    document: string | TypedDocumentNode<unknown, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer>;
  /**
   * Starts another gateway in front of the same upstream with other settings; it is closed after
   * the test (or, called in a `beforeAll`, after the file).
   */
  another(overrides?: GatewayOverrides): Promise<TestGateway>;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`useGateway: no ${what} (not started, or another upstream)`);
  return value;
}

/** Starts the gateway (and its upstream) around the file's tests, or around each test. */
export function useGateway(options: KitOptions): Kit {
  const { upstream, perTest = false, replies = [], route, ...overrides } = options;
  let fake: FakeUpstream | undefined;
  let sandbox: Sandbox | undefined;
  let gateway: TestGateway | undefined;
  let others: TestGateway[] = [];
  let inTest = false;
  const perTestOthers: TestGateway[] = [];

  const start = async () => {
    if (upstream === "fake") {
      fake = await FakeUpstream.start(...replies);
      fake.route = route;
    } else sandbox = await startSandbox();
    gateway = await startGateway(fake?.url ?? sandbox!.url, overrides);
  };
  const stop = async () => {
    await Promise.all(others.map((other) => other.close()));
    others = [];
    await gateway?.close();
    await fake?.close();
    await sandbox?.close();
  };
  const closeTestsOwn = async () => {
    inTest = false;
    await Promise.all(perTestOthers.splice(0).map((other) => other.close()));
  };

  if (perTest) {
    beforeEach(async () => {
      await start();
      inTest = true;
    });
    afterEach(async () => {
      await closeTestsOwn();
      await stop();
    });
  } else {
    beforeAll(start);
    afterAll(stop);
    beforeEach(() => {
      if (fake) fake.reset(...replies).route = route;
      inTest = true;
    });
    afterEach(closeTestsOwn);
  }

  const kit: Kit = {
    get url() {
      return required(gateway, "gateway").url;
    },
    get gateway() {
      return required(gateway, "gateway");
    },
    get logs() {
      return required(gateway, "gateway").logs;
    },
    get fake() {
      return required(fake, "fake upstream");
    },
    get sandbox() {
      return required(sandbox, "emulator");
    },
    get upstreamUrl() {
      return required(fake?.url ?? sandbox?.url, "upstream");
    },
    post: (document, variables, headers) => postGraphQL(kit.url, document, variables, headers),
    async another(more = {}) {
      const other = await startGateway(kit.upstreamUrl, { ...overrides, ...more });
      (inTest ? perTestOthers : others).push(other);
      return other;
    },
  };
  return kit;
}
