/**
 * What operators deploy with (issue 28): the Dockerfile, compose.yaml with HAProxy, and the
 * Kubernetes manifests. Images cannot be pulled here, so the files are checked instead: they parse,
 * every setting they give is one src/config.ts reads and accepts, and the probes they name are the
 * ones the compiled gateway really answers, at the port it really listens on (started with the
 * Deployment's own settings). The Dockerfile's HEALTHCHECK command itself is run against it.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse, parseAllDocuments } from "yaml";
import { loadConfig } from "../src/config.js";
import { FakeUpstream } from "./helpers/fake-upstream.js";
import { buildOnce, runNode, waitForListening, type Started } from "./helpers/process.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { freePort, installed } from "./helpers/system.js";

const ROOT = new URL("../", import.meta.url).pathname;
const text = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The names src/config.ts reads: its string literals in the shape of an environment variable. */
function settingsRead(): Set<string> {
  const source = text("src/config.ts");
  return new Set(
    [...source.matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})"/g)].map(([, name]) => name!),
  );
}

type Env = Record<string, string>;

/** The parts of the manifests these checks read. */
interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  image: string;
  env: EnvEntry[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: Probe;
  livenessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
  resources: { requests: Env; limits: Env };
  securityContext: Record<string, unknown>;
}
interface DeploymentSpec {
  selector: { matchLabels: Env };
  strategy: { rollingUpdate: { maxUnavailable: number } };
  template: {
    metadata: { labels: Env };
    spec: {
      terminationGracePeriodSeconds: number;
      securityContext: Record<string, unknown>;
      containers: Container[];
    };
  };
}
interface ServiceSpec {
  selector: Env;
  ports: { targetPort: string | number }[];
}
interface AutoscalerSpec {
  scaleTargetRef: Record<string, string>;
  minReplicas: number;
}
interface DisruptionBudgetSpec {
  selector: { matchLabels: Env };
  maxUnavailable: number;
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: unknown;
}
interface Kustomization {
  resources: string[];
  images: { name: string; newName: string; newTag: string }[];
  secretGenerator: { name: string; envs: string[] }[];
}
interface ComposeService {
  environment: Env;
  deploy: { replicas: number };
  depends_on: unknown;
  volumes: string[];
  stop_grace_period: string;
}

/** Every document of every file the kustomization lists, parsed (a YAML error fails here). */
function kustomize(): { kustomization: Kustomization; manifests: Manifest[] } {
  const kustomization = parse(text("deploy/kubernetes/kustomization.yaml")) as Kustomization;
  const manifests = kustomization.resources.flatMap((file) =>
    parseAllDocuments(text(`deploy/kubernetes/${file}`)).map((document) => {
      expect(document.errors).toEqual([]);
      return document.toJS() as Manifest;
    }),
  );
  return { kustomization, manifests };
}

/** `NAME=value` lines (comments and blank lines skipped). */
function envFile(path: string): Env {
  const lines = text(path)
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));
  return Object.fromEntries(
    lines.map((line) => [line.split("=")[0]!, line.slice(line.indexOf("=") + 1)]),
  );
}

const { kustomization, manifests } = kustomize();
/** The one manifest of this kind, and its spec as that kind has it. */
function byKind<Spec>(kind: string): { name: string; spec: Spec } {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  return { name: found[0]!.metadata.name, spec: found[0]!.spec as Spec };
}
const deployment = byKind<DeploymentSpec>("Deployment");
const service = byKind<ServiceSpec>("Service").spec;
const autoscaler = byKind<AutoscalerSpec>("HorizontalPodAutoscaler").spec;
const disruptionBudget = byKind<DisruptionBudgetSpec>("PodDisruptionBudget").spec;
const container = deployment.spec.template.spec.containers[0]!;
const secretName = kustomization.secretGenerator[0]!.name;
const secretExample = envFile("deploy/kubernetes/secret.env.example");

/** The Deployment's env, each secretKeyRef given its value from secret.env.example. */
function deploymentEnv(): Env {
  const entries = container.env.map(({ name, value, valueFrom }) => {
    if (value !== undefined) return [name, value];
    const ref = valueFrom!.secretKeyRef;
    expect(ref.name).toBe(secretName);
    expect(Object.keys(secretExample)).toContain(ref.key);
    return [name, secretExample[ref.key]!];
  });
  return Object.fromEntries(entries) as Env;
}

const compose = parse(text("compose.yaml")) as {
  services: { gateway: ComposeService; redis: ComposeService; haproxy: ComposeService };
};
const composeExample = envFile("deploy/compose.env.example");

/** compose's `${NAME:-default}` / `${NAME:?message}` / `${NAME}`, from compose.env.example. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind, rest: string) => {
    const found = composeExample[name];
    if (found !== undefined && found !== "") return found;
    if (kind === "?") throw new Error(`compose.yaml: ${name} is required and the example lacks it`);
    return kind === "-" ? rest : "";
  });
}

function composeEnv(): Env {
  const environment = compose.services.gateway.environment;
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, interpolate(String(value))]),
  );
}

describe("Kubernetes manifests (deploy/kubernetes, kustomize)", () => {
  it("hold a Deployment, a Service, a HorizontalPodAutoscaler and a PodDisruptionBudget, all one app", () => {
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual([
      "Deployment",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "Service",
    ]);
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(service.selector).toEqual(labels);
    expect(disruptionBudget.selector.matchLabels).toEqual(labels);
    expect(autoscaler.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: deployment.name,
    });
    // kustomize's `images` names the container's image, so setting the tag there takes.
    expect(kustomization.images.map(({ name }) => name)).toEqual([container.image]);
    // A node drain may take replicas away only while others stay (and the HPA's floor stays above).
    expect(autoscaler.minReplicas).toBeGreaterThanOrEqual(3);
    expect(disruptionBudget.maxUnavailable).toBeLessThan(autoscaler.minReplicas);
  });

  it("every setting the Deployment gives is one src/config.ts reads; the secrets come from the Secret", () => {
    const read = settingsRead();
    const names = container.env.map(({ name }) => name);
    expect(names.filter((name) => !read.has(name))).toEqual([]);
    const fromSecret = container.env
      .filter((entry) => entry.valueFrom !== undefined)
      .map(({ name }) => name)
      .sort();
    expect(fromSecret).toEqual([
      "BELVO_SECRET_ID",
      "BELVO_SECRET_PASSWORD",
      "BELVO_WEBHOOK_SECRET",
      "GATEWAY_API_KEYS",
      "METRICS_TOKEN",
      "STORE_KEY_SECRET",
    ]);
    // Made from secret.env, which git ignores; the example holds exactly the keys referenced.
    expect(kustomization.secretGenerator).toEqual([{ name: secretName, envs: ["secret.env"] }]);
    expect(Object.keys(secretExample).sort()).toEqual(fromSecret);
    expect(text(".gitignore").split("\n")).toContain("deploy/kubernetes/secret.env");
  });

  it("the settings are accepted as they stand (production), on the port the container declares", () => {
    const config = loadConfig(deploymentEnv());
    expect(config.production).toBe(true);
    expect(config.host).toBe("0.0.0.0");
    const http = container.ports.find((port) => port.name === "http")!;
    expect(config.port).toBe(http.containerPort);
    expect(service.ports[0]!.targetPort).toBe("http");
    for (const probe of [container.readinessProbe, container.livenessProbe])
      expect(probe.httpGet.port).toBe("http");
  });
});

describe("the Deployment's pods", () => {
  it("grace: longer than preStop plus the drain (SHUTDOWN_GRACE_MS as the settings give it)", () => {
    const { shutdownGraceMs } = loadConfig(deploymentEnv());
    const preStop = container.lifecycle.preStop.exec.command;
    expect(preStop.slice(0, 1)).toEqual(["/bin/sleep"]);
    const graceMs = deployment.spec.template.spec.terminationGracePeriodSeconds * 1000;
    expect(graceMs).toBeGreaterThan(Number(preStop[1]) * 1000 + shutdownGraceMs);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it("resources, and a pod that runs as non-root with nothing writable", () => {
    expect(container.resources.requests).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });
});

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): { instruction: string; args: string }[] {
  return text("Dockerfile")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"))
    .map((line) => {
      const [instruction, ...rest] = line.trim().split(/\s+/);
      return { instruction: instruction!.toUpperCase(), args: rest.join(" ") };
    });
}

/** The JSON argument list of the HEALTHCHECK's CMD. */
function healthcheckCommand(): string[] {
  const healthcheck = dockerfile().find(({ instruction }) => instruction === "HEALTHCHECK")!;
  return JSON.parse(healthcheck.args.slice(healthcheck.args.indexOf("CMD ") + 4)) as string[];
}

describe("Dockerfile", () => {
  const lines = dockerfile();
  const lastFrom = lines.map(({ instruction }) => instruction).lastIndexOf("FROM");
  const final = lines.slice(lastFrom);

  it("is multi-stage: built with `npm run build` in one stage, run from another", () => {
    const stages = lines.filter(({ instruction }) => instruction === "FROM");
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const beforeFinal = lines.slice(0, lastFrom);
    expect(beforeFinal).toContainEqual({
      instruction: "RUN",
      args: expect.stringContaining("npm run build"),
    });
    // The final stage installs nothing and compiles nothing: it copies what the others made.
    expect(final.filter(({ instruction }) => instruction === "RUN")).toEqual([]);
    const copied = final
      .filter(({ instruction }) => instruction === "COPY")
      .map(({ args }) => args);
    expect(copied).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--from=\w+ \/app\/dist \.\/dist$/),
        expect.stringMatching(/^--from=\w+ \/app\/node_modules \.\/node_modules$/),
        expect.stringMatching(
          /^--from=\w+ \/app\/packages\/client\/dist \.\/packages\/client\/dist$/,
        ),
      ]),
    );
    expect(final.at(-1)).toEqual({ instruction: "CMD", args: '["node", "dist/index.js"]' });
  });

  it("runs as a non-root user, numeric, in production posture", () => {
    const users = final.filter(({ instruction }) => instruction === "USER").map(({ args }) => args);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    const env = final
      .filter(({ instruction }) => instruction === "ENV")
      .map(({ args }) => args)
      .join(" ");
    expect(env).toMatch(/(^|\s)NODE_ENV=production(\s|$)/);
    expect(env).toMatch(/(^|\s)HOST=0\.0\.0\.0(\s|$)/);
  });

  it("checks its health on /health with node (the slim image has no curl)", () => {
    const command = healthcheckCommand();
    expect(command.slice(0, 2)).toEqual(["node", "-e"]);
    expect(command[2]).toContain("/health");
    expect(lines.map(({ args }) => args).join("\n")).not.toMatch(/curl|wget/);
  });

  it(".dockerignore keeps installs, builds, git and local secrets out of the build context", () => {
    const ignored = text(".dockerignore").split("\n");
    expect(ignored).toEqual(
      expect.arrayContaining(["node_modules", "dist", ".git", ".env", "**/secret.env"]),
    );
  });
});

describe("compose.yaml and HAProxy", () => {
  it("runs three replicas, Redis and HAProxy with the shipped config", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["gateway", "haproxy", "redis"]);
    const { gateway, haproxy } = compose.services;
    expect(gateway.deploy.replicas).toBe(3);
    expect(gateway.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(haproxy.volumes).toEqual([
      "./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro",
    ]);
  });

  it("gives the gateway settings src/config.ts reads and accepts, Redis shared", () => {
    const env = composeEnv();
    const read = settingsRead();
    expect(Object.keys(env).filter((name) => !read.has(name))).toEqual([]);
    const config = loadConfig(env);
    expect(config.production).toBe(true);
    expect(config.redisUrl).toBe("redis://redis:6379");
    expect(Object.keys(compose.services)).toContain(new URL(config.redisUrl!).hostname);
    // stop_grace_period outlasts the drain.
    const stopGraceS = Number(/^(\d+)s$/.exec(compose.services.gateway.stop_grace_period)![1]);
    expect(stopGraceS * 1000).toBeGreaterThan(config.shutdownGraceMs);
    // HAProxy sends to the port the gateway listens on, and checks /ready.
    const cfg = text("deploy/haproxy/haproxy.cfg");
    expect(cfg).toMatch(new RegExp(`server-template gateway 3 gateway:${config.port} check`));
    expect(cfg).toMatch(/http-check send meth GET uri \/ready /);
  });

  it("CI installs HAProxy and Redis Sentinel (test/replicas.test.ts runs them)", () => {
    const run = text(".ci/run");
    expect(run).toContain("command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)");
    expect(run).toContain("[ -x /usr/sbin/haproxy ] || missing+=(haproxy)");
  });

  const haproxy = installed(
    "/usr/sbin/haproxy",
    "the load balancer of test/replicas.test.ts",
    "-v",
  );
  (haproxy ? it : it.skip)("the HAProxy config is valid (haproxy -c)", async () => {
    const { stdout } = await promisify(execFile)("/usr/sbin/haproxy", [
      "-c",
      "-f",
      join(ROOT, "deploy/haproxy/haproxy.cfg"),
    ]);
    expect(stdout).toContain("Configuration file is valid");
  });
});

describe("the probes the files name, on the compiled gateway started with the Deployment's settings", () => {
  let fake: FakeUpstream;
  let redis: RedisServer;
  let gateway: Started;
  let url: string;

  beforeAll(async () => {
    const started = Promise.all([
      FakeUpstream.start({ status: 200, body: [] }),
      startRedisServer(),
    ]);
    await buildOnce();
    [fake, redis] = await started;
    // As deployed, but on loopback, on a free port, against the fake Belvo and a real Redis.
    gateway = runNode("dist/index.js", {
      ...deploymentEnv(),
      HOST: "127.0.0.1",
      PORT: "0",
      BELVO_URL: fake.url,
      REDIS_URL: redis.url,
      LOG_LEVEL: "warn",
    });
    url = await waitForListening(gateway);
  }, 120_000);

  afterAll(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exit;
    redis?.stop();
    await fake?.close();
  });

  async function get(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${url}${path}`, { headers });
    return { status: response.status, body: await response.json() };
  }

  it("readiness and liveness answer 200 at the paths the Deployment probes", async () => {
    expect(await get(container.readinessProbe.httpGet.path)).toEqual({
      status: 200,
      body: { status: "ready" },
    });
    expect(await get(container.livenessProbe.httpGet.path)).toEqual({
      status: 200,
      body: { status: "ok" },
    });
    // A path it does not serve is a 404: the check above can fail.
    expect((await get("/healthz")).status).toBe(404);
    expect(fake.requests).toEqual([]);
  });

  it("HAProxy's check request (GET /ready, Host: localhost) answers 200", async () => {
    const check = /http-check send meth GET uri (\S+) ver HTTP\/1\.1 hdr Host (\S+)/.exec(
      text("deploy/haproxy/haproxy.cfg"),
    )!;
    expect(await get(check[1]!, { host: check[2]! })).toEqual({
      status: 200,
      body: { status: "ready" },
    });
  });

  it("the Dockerfile's HEALTHCHECK command exits 0 against it, 1 where nothing answers", async () => {
    const [command, ...args] = healthcheckCommand();
    expect(command).toBe("node");
    const run = (port: string) =>
      new Promise<number | null>((resolve) => {
        const child = execFile(process.execPath, args, { env: { PORT: port } });
        child.on("exit", (code) => resolve(code));
      });
    expect(await run(new URL(url).port)).toBe(0);
    expect(await run(String(await freePort()))).toBe(1);
  });
});

describe("the deployment guide", () => {
  it("the README links the deployment guide, which says how to build and run each", () => {
    expect(text("README.md")).toContain("(docs/deployment.md)");
    const guide = text("docs/deployment.md");
    for (const command of [
      "docker build -t belvo-graphql-gateway .",
      "docker compose up --build -d",
      "kubectl apply -k deploy/kubernetes",
    ])
      expect(guide).toContain(command);
    expect(existsSync(join(ROOT, "deploy/kubernetes/secret.env"))).toBe(false);
  });
});
