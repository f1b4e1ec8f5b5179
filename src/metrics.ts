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

  readonly inFlight = new Gauge({
    name: "gateway_operations_in_flight",
    help: "GraphQL operations being executed now.",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `GET /api/links/{id}/`: ids and query strings are left out so the label set stays small. */
export function endpointLabel(method: string, path: string): string {
  const bare = path.split("?")[0] ?? path;
  return `${method} ${bare.replace(UUID, "{id}")}`;
}
