import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per gateway, so that several gateways in one process (tests) do not collide. */
export class GatewayMetrics {
  readonly registry = new Registry();

  /** Counted here per root fields (`byOperation`), handed to prom-client when it is scraped. */
  readonly operations: Counter<"operation" | "outcome"> = new Counter({
    name: "gateway_operations_total",
    help: "GraphQL operations by root fields and outcome (OK or the first error code).",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
    collect: () => {
      for (const [operation, { outcomes }] of this.byOperation) {
        for (const [outcome, count] of outcomes)
          this.operations.labels(operation, outcome).inc(count);
        outcomes.clear();
      }
    },
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

  /** GraphQL operations being executed now: counted here, read by prom-client when scraped. */
  private running = 0;

  readonly inFlight = {
    inc: () => void this.running++,
    dec: () => void this.running--,
  };

  private readonly inFlightGauge: Gauge = new Gauge({
    name: "gateway_operations_in_flight",
    help: "GraphQL operations being executed now.",
    registers: [this.registry],
    collect: () => {
      this.inFlightGauge.set(this.running);
    },
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

  /**
   * Per root fields: the histograms' label children (prom-client's `labels()` checks the labels
   * each time), and the operations answered by outcome, counted here and handed to prom-client
   * when it is scraped (a label child of a counter hashes and checks its labels on every `inc`).
   */
  private readonly byOperation = new Map<
    string,
    {
      duration: { observe(value: number): void };
      calls: { observe(value: number): void };
      outcomes: Map<string, number>;
    }
  >();

  private readonly timers = new Map<string, { observe(value: number): void }>();

  /** One operation answered; both labels come from small, schema-bound sets. */
  recordOperation(operation: string, outcome: string, seconds: number, upstreamCalls = 0): void {
    let entry = this.byOperation.get(operation);
    if (!entry) {
      entry = {
        duration: this.operationDuration.labels(operation),
        calls: this.upstreamCalls.labels(operation),
        outcomes: new Map(),
      };
      this.byOperation.set(operation, entry);
    }
    entry.duration.observe(seconds);
    entry.calls.observe(upstreamCalls);
    entry.outcomes.set(outcome, (entry.outcomes.get(outcome) ?? 0) + 1);
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

  private time(key: string, make: () => { observe(value: number): void }, seconds: number): void {
    let timer = this.timers.get(key);
    if (!timer) this.timers.set(key, (timer = make()));
    timer.observe(seconds);
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Labels of paths with no id and no query string (most calls): their own text, kept once seen. */
const PLAIN_LABELS = new Set<string>();

/** `GET /api/links/{id}/`: ids and query strings are left out so the label set stays small. */
export function endpointLabel(method: string, path: string): string {
  const plain = `${method} ${path}`;
  if (PLAIN_LABELS.has(plain)) return plain;
  const label = `${method} ${pathTemplate(path)}`;
  // Bounded: only paths the gateway itself writes without an id, a few dozen.
  if (label === plain && PLAIN_LABELS.size < 1_000) PLAIN_LABELS.add(plain);
  return label;
}

/** `/api/links/{id}/` for `/api/links/<uuid>/?page=2`. */
export function pathTemplate(path: string): string {
  return (path.split("?")[0] ?? path).replace(UUID, "{id}");
}
