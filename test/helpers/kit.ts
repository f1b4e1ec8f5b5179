/**
 * The test kit: `useGateway` starts the real gateway in front of an upstream (the recording fake or
 * the emulator), registers its own start and close with jest (graphql-request's `setupMockServer`
 * is the model), and hands the test what it talks to.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/server.js";
import { FakeUpstream, type Reply } from "./fake-upstream.js";
import { startGateway, type GatewayOverrides, type TestGateway } from "./gateway.js";
import { postGraphQL, type GraphQLAnswer } from "./graphql.js";

export interface KitOptions extends GatewayOverrides {
  upstream: "fake" | "emulator";
  /**
   * A fresh upstream and gateway for every test (`beforeEach`/`afterEach`), where a test leaves
   * state behind that the reset between tests does not clear (cap counters, metrics, a closed
   * gateway, settings made per test). By default one for the file, reset before each test: the
   * fake forgets its requests and script, the gateway its log lines (it keeps its compiled
   * operations, as a running gateway does).
   */
  perTest?: boolean;
  /** What the fake answers until a test scripts otherwise (set again before every test). */
  replies?: Reply[];
  /** The emulator's options (a clock, say), made when it starts. */
  emulator?: () => SandboxOptions;
  /** Start only the upstream: each test starts the gateways it needs with `kit.another`. */
  lazy?: boolean;
  /** Or how the fake answers every request (`FakeUpstream.route`), set again before every test. */
  route?: FakeUpstream["route"];
}

export interface Kit {
  /** The gateway's base URL (`${url}/graphql` is the endpoint). */
  readonly url: string;
  readonly gateway: TestGateway;
  /** Every log line the gateway wrote (on a shared gateway: since the test began), as text. */
  readonly logs: string[];
  /** The same lines, parsed. */
  lines(): Record<string, unknown>[];
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
  /**
   * Closes the gateway and starts it again with `overrides` on top of the file's, for the rest of
   * the test (a shared one is started again with the file's settings after it).
   */
  restart(overrides: GatewayOverrides): Promise<TestGateway>;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`useGateway: no ${what} (not started, or another upstream)`);
  }
  return value;
}

/** The upstream and gateway of one file (or one test), and the extra gateways a test started. */
class GatewayKit implements Kit {
  private fakeUpstream?: FakeUpstream;
  private emulator?: Sandbox;
  private current?: TestGateway;
  /** Extra gateways, closed after the file (`forFile`) or after the test (`forTest`). */
  private readonly forFile: TestGateway[] = [];
  private readonly forTest: TestGateway[] = [];
  private inTest = false;
  private restarted = false;

  constructor(
    private readonly options: Omit<KitOptions, keyof GatewayOverrides>,
    private readonly fixed: GatewayOverrides,
    private readonly late: () => GatewayOverrides,
  ) {}

  /** The file's settings: the fixed ones, then those made when the gateway starts. */
  private get overrides(): GatewayOverrides {
    return { ...this.fixed, ...this.late() };
  }

  get url() {
    return this.gateway.url;
  }
  get gateway() {
    return required(this.current, "gateway");
  }
  get logs() {
    return this.gateway.logs;
  }
  lines() {
    return this.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  get fake() {
    return required(this.fakeUpstream, "fake upstream");
  }
  get sandbox() {
    return required(this.emulator, "emulator");
  }
  get upstreamUrl() {
    return required(this.fakeUpstream?.url ?? this.emulator?.url, "upstream");
  }

  post<V extends Record<string, unknown>>(
    document: string | TypedDocumentNode<unknown, V>,
    variables?: V,
    headers?: Record<string, string>,
  ) {
    return postGraphQL(this.url, document, variables, headers);
  }

  async another(more: GatewayOverrides = {}) {
    const other = await startGateway(this.upstreamUrl, { ...this.overrides, ...more });
    (this.inTest ? this.forTest : this.forFile).push(other);
    return other;
  }

  async restart(more: GatewayOverrides) {
    await this.gateway.close();
    this.current = await startGateway(this.upstreamUrl, { ...this.overrides, ...more });
    this.restarted = this.inTest;
    return this.current;
  }

  async start() {
    const { upstream, replies = [], route } = this.options;
    if (upstream === "fake") {
      this.fakeUpstream = await FakeUpstream.start(...replies);
      this.fakeUpstream.route = route;
    } else {
      this.emulator = await startSandbox(0, "127.0.0.1", this.options.emulator?.());
    }
    if (!this.options.lazy) this.current = await startGateway(this.upstreamUrl, this.overrides);
  }

  async stop() {
    await Promise.all(this.forFile.splice(0).map((other) => other.close()));
    await this.current?.close();
    await this.fakeUpstream?.close();
    await this.emulator?.close();
  }

  /**
   * Before a test on a shared gateway: the fake forgets the last test's requests and script, and
   * the gateway's log lines are the test's own.
   */
  beginTest() {
    this.inTest = true;
    if (this.options.perTest) return;
    const { replies = [], route } = this.options;
    if (this.fakeUpstream) this.fakeUpstream.reset(...replies).route = route;
    if (this.current) this.current.logs.length = 0;
  }

  async endTest() {
    this.inTest = false;
    await Promise.all(this.forTest.splice(0).map((other) => other.close()));
    if (this.restarted && !this.options.perTest) await this.restart({});
    this.restarted = false;
  }
}

/**
 * Starts the gateway (and its upstream) around the file's tests, or around each test. `late` gives
 * settings that exist only when it starts (made in an earlier `beforeEach`, say a tracer).
 */
export function useGateway(options: KitOptions, late: () => GatewayOverrides = () => ({})): Kit {
  const { upstream, perTest = false, lazy, replies, route, emulator, ...overrides } = options;
  const kit = new GatewayKit(
    { upstream, perTest, lazy, replies, route, emulator },
    overrides,
    late,
  );
  if (perTest) {
    beforeEach(async () => {
      await kit.start();
      kit.beginTest();
    });
    afterEach(async () => {
      await kit.endTest();
      await kit.stop();
    });
  } else {
    beforeAll(() => kit.start());
    afterAll(() => kit.stop());
    beforeEach(() => kit.beginTest());
    afterEach(() => kit.endTest());
  }
  return kit;
}
