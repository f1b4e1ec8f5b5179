/**
 * The events' part of a gateway (CONTRACT.md section 8): the hub (in memory, or Redis with
 * REDIS_URL), the webhook receiver, and the two subscription transports on the gateway's HTTP
 * server; at the drain, once the requests in flight ended, every subscription ends (WebSocket
 * close 1012, the SSE stream ends).
 */
import type { IncomingMessage } from "node:http";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { redisTarget, type GatewayConfig } from "../config.js";
import type { Admission } from "../edge/admission.js";
import { hostCheck } from "../edge/hosts.js";
import type { Lifecycle } from "../edge/lifecycle.js";
import { corsMatcher } from "../guards/cors.js";
import { documentGuards } from "../guards/document-rules.js";
import type { Guards } from "../guards/guards.js";
import type { TrustedDocuments } from "../guards/trusted-documents.js";
import { EventHub } from "./hub.js";
import { ClientSlots } from "./operations.js";
import { serveStreams } from "./sse.js";
import { webhookHandler } from "./webhook.js";
import { serveWebSockets } from "./ws.js";

export interface EventsParts {
  schema: GraphQLSchema;
  lifecycle: Lifecycle;
  admission: Admission;
  logger: Logger;
  now: () => Date;
  trustedDocuments?: TrustedDocuments;
  guards: Guards;
}

/** How long the drain waits for WebSockets to answer their close before cutting them. */
const CLOSE_WAIT_MS = 1_000;

function hubFor(config: GatewayConfig, logger: Logger): Promise<EventHub> {
  const target = redisTarget(config);
  if (!target) return Promise.resolve(EventHub.memory(config.events, logger));
  const onError = (error: Error) =>
    logger.warn({ err: { message: error.message } }, "events: redis error");
  return EventHub.redis(
    target,
    config.events,
    {
      commandTimeoutMs: config.redisCommandTimeoutMs,
      connectTimeoutMs: config.redisConnectTimeoutMs,
      onError,
    },
    logger,
  );
}

/** Refuses a WebSocket upgrade as a request would be: draining, a foreign Host, a foreign Origin. */
function upgradeRefusal(config: GatewayConfig, lifecycle: Lifecycle) {
  const hostAllowed = hostCheck(config);
  const originAllowed = corsMatcher(config.corsOrigins);
  return (req: IncomingMessage) => {
    if (lifecycle.draining) return { status: 503, reason: "Service Unavailable" };
    if (hostAllowed && !hostAllowed(req.headers.host)) {
      return { status: 421, reason: "Misdirected Request" };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) return { status: 403, reason: "Forbidden" };
    return null;
  };
}

export async function serveEvents(config: GatewayConfig, parts: EventsParts) {
  const { schema, lifecycle, logger } = parts;
  const { limits, events } = config;
  const hub = await hubFor(config, logger);
  const rules = {
    schema,
    maxTokens: limits.maxTokens,
    maxDocumentBytes: limits.maxDocumentBytes,
    validationRules: documentGuards(limits, config.production).rules,
    trustedDocuments: parts.trustedDocuments,
  };
  const slots = new ClientSlots(events.perClient);
  const hold = lifecycle.hold.bind(lifecycle);
  const sockets = serveWebSockets({
    ...rules,
    hub,
    apiKeys: config.apiKeys,
    events,
    slots,
    logger,
    production: config.production,
    refusal: upgradeRefusal(config, lifecycle),
    hold,
    guards: parts.guards,
  });
  lifecycle.serveUpgrades((req, socket, head) => sockets.upgrade(req, socket, head));
  lifecycle.beforeClose(async () => {
    hub.endAll();
    await sockets.close(CLOSE_WAIT_MS);
  });
  const stream = serveStreams({
    ...rules,
    hub,
    admission: parts.admission,
    events,
    slots,
    maxBodyBytes: limits.maxBodyBytes,
    hold,
  });
  const secret = events.webhookSecret;
  const webhook = secret ? webhookHandler({ secret, hub, now: parts.now }) : null;
  return { hub, webhook, stream, close: () => hub.close() };
}
