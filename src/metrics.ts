import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per gateway, so that several gateways in one process (tests) do not collide. */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly operations = new Counter({
    name: "gateway_operations_total",
    help: "GraphQL operations by root fields and outcome (OK or the first error code).",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });

  readonly operationDuration = new Histogram({
    name: "gateway_operation_duration_seconds",
    help: "Time from receiving a GraphQL operation to sending its answer.",
    labelNames: ["operation"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 330],
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: "gateway_upstream_request_duration_seconds",
    help: "Belvo calls by endpoint and status (0 when no answer arrived).",
    labelNames: ["endpoint", "status"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 330],
    registers: [this.registry],
  });

  readonly upstreamCalls = new Histogram({
    name: "gateway_operation_upstream_calls",
    help: "Requests sent to Belvo per GraphQL operation (each attempt of a read counts), by root fields.",
    labelNames: ["operation"] as const,
    buckets: [0, 1, 2, 3, 5, 10, 20, 50, 100],
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: "gateway_operations_in_flight",
    help: "GraphQL operations being executed now.",
    registers: [this.registry],
  });

  readonly idempotency: Counter<"outcome">;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const counts = this.idempotencyCounts;
    this.idempotency = new Counter({
      name: "gateway_idempotency_total",
      help: "Requests with an Idempotency-Key by outcome: claimed, stored, released, joined, replayed, reused (422), in_progress (409).",
      labelNames: ["outcome"] as const,
      registers: [this.registry],
      collect(this: Counter<"outcome">) {
        for (const [outcome, count] of counts) this.labels(outcome).inc(count);
        counts.clear();
      },
    });
  }

  /** Label children, kept: prom-client would hash the labels on every sample otherwise. */
  private readonly counters = new Map<string, { inc(): void }>();
  private readonly timers = new Map<string, { observe(value: number): void }>();

  /** One operation answered; both labels come from small, schema-bound sets. */
  recordOperation(operation: string, outcome: string, seconds: number, upstreamCalls = 0): void {
    this.count(`op\u0000${operation}\u0000${outcome}`, () =>
      this.operations.labels(operation, outcome),
    );
    this.time(`op\u0000${operation}`, () => this.operationDuration.labels(operation), seconds);
    this.time(`calls\u0000${operation}`, () => this.upstreamCalls.labels(operation), upstreamCalls);
  }

  /** Counted here, handed to prom-client when it is scraped: a keyed request counts twice. */
  private readonly idempotencyCounts = new Map<string, number>();

  recordIdempotency(outcome: string): void {
    this.idempotencyCounts.set(outcome, (this.idempotencyCounts.get(outcome) ?? 0) + 1);
  }

  recordUpstream(endpoint: string, status: number | null, seconds: number): void {
    const code = String(status ?? 0);
    this.time(
      `up\u0000${endpoint}\u0000${code}`,
      () => this.upstreamDuration.labels(endpoint, code),
      seconds,
    );
  }

  private count(key: string, make: () => { inc(): void }): void {
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = make()));
    counter.inc();
  }

  private time(key: string, make: () => { observe(value: number): void }, seconds: number): void {
    let timer = this.timers.get(key);
    if (!timer) this.timers.set(key, (timer = make()));
    timer.observe(seconds);
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `GET /api/links/{id}/`: ids and query strings are left out so the label set stays small. */
export function endpointLabel(method: string, path: string): string {
  return `${method} ${pathTemplate(path)}`;
}

/** `/api/links/{id}/` for `/api/links/<uuid>/?page=2`. */
export function pathTemplate(path: string): string {
  return (path.split("?")[0] ?? path).replace(UUID, "{id}");
}
