/**
 * Subscriptions over WebSocket at /graphql: graphql-ws (the graphql-transport-ws protocol) on a
 * `ws` server sharing the gateway's HTTP server. The upgrade is checked like a request (Host,
 * Origin against CORS_ORIGINS, not while draining); a browser cannot set headers on it, so the key
 * comes in `connection_init`'s payload, `{"Authorization": "Bearer <key>"}`: none closes the socket
 * 4401, a wrong one 4403. Pings every SUBSCRIPTION_KEEP_ALIVE_MS (a socket that does not answer
 * one in as long is closed). On the drain every socket closes 1012 (Service Restart). A socket
 * holds its connection at MAX_CONNECTIONS only while a subscription runs on it.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { EventsConfig } from "../config.js";
import { bearerKeys, pathOf } from "../edge/http-io.js";
import { ErrorCode } from "../errors.js";
import { GUARD_RETRY_AFTER_S, GuardUnavailable } from "../guards/caps.js";
import type { Guards } from "../guards/guards.js";
import type { SubscriptionContext } from "../resolvers/link-event.resolver.js";
import type { EventHub } from "./hub.js";
import {
  ClientSlots,
  formatted,
  prepareSubscription,
  tooMany,
  type OperationRules,
} from "./operations.js";

export interface WebSocketParts extends OperationRules {
  hub: EventHub;
  apiKeys: string[] | null;
  events: EventsConfig;
  slots: ClientSlots;
  logger: Logger;
  production: boolean;
  /** Checks of the upgrade request: a status and a reason to refuse it, or null. */
  refusal: (req: IncomingMessage) => { status: number; reason: string } | null;
  /** The rate guard (RATE_LIMIT_PER_MINUTE), per client. */
  guards: Guards;
  /** Keeps the socket from being taken for an idle one at the connection cap; returns a release. */
  hold: (socket: Duplex) => () => void;
}

/** What the gateway keeps per socket. */
interface SocketState {
  client: string;
  /** Subscription ids running, each with the release of its client slot. */
  running: Map<string, () => void>;
  /** Set while a subscription runs: the release of the connection's hold at MAX_CONNECTIONS. */
  unhold: (() => void) | null;
}

/**
 * A socket holds its connection at MAX_CONNECTIONS only while it serves a subscription: one that
 * never authenticates, or runs none, may be taken for an idle one (else sockets that never send
 * `connection_init` could keep every other client out).
 */
function holdWhileRunning(parts: WebSocketParts, state: SocketState, socket: Duplex): void {
  if (state.running.size > 0) state.unhold ??= parts.hold(socket);
  else {
    state.unhold?.();
    state.unhold = null;
  }
}

const SERVICE_RESTART = 1012;

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

/** The refusal of a subscription past the client's request rate (or its guard unreachable). */
async function rateRefusal(parts: WebSocketParts, client: string) {
  let retryAfterMs: number | null;
  try {
    retryAfterMs = await parts.guards.overRate(client);
  } catch (error) {
    if (!(error instanceof GuardUnavailable)) throw error;
    const extensions = { code: ErrorCode.GuardUnavailable, retryAfter: GUARD_RETRY_AFTER_S };
    return [new GraphQLError(error.message, { extensions })];
  }
  if (retryAfterMs === null) return null;
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const message = `More than ${parts.guards.ratePerMinute} requests in a minute; retry later.`;
  return [new GraphQLError(message, { extensions: { code: ErrorCode.RateLimited, retryAfter } })];
}

/** graphql-ws's options: the key in `connection_init`, the operation checked, the caps. */
function serverOptions(
  parts: WebSocketParts,
  states: WeakMap<WebSocket, SocketState>,
): Parameters<typeof useServer<Record<string, unknown> | undefined>>[0] {
  const { hub, events, slots } = parts;
  const clientKey = parts.apiKeys ? bearerKeys(parts.apiKeys) : null;
  return {
    schema: parts.schema,
    isProd: parts.production,
    onConnect: (ctx) => {
      const { socket, request } = ctx.extra;
      const address = `addr:${request.socket.remoteAddress ?? "?"}`;
      if (clientKey) {
        const header = ctx.connectionParams?.Authorization ?? ctx.connectionParams?.authorization;
        if (typeof header !== "string") {
          socket.close(4401, "Unauthorized: send {Authorization: Bearer <key>} in connection_init");
          return false;
        }
        const label = clientKey(header);
        if (label === null) return false;
        states.set(socket, { client: label, running: new Map(), unhold: null });
      } else states.set(socket, { client: address, running: new Map(), unhold: null });
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      const socket = ctx.extra.socket;
      const state = states.get(socket)!;
      // Each subscription counts against RATE_LIMIT_PER_MINUTE as a request does.
      const overRate = await rateRefusal(parts, state.client);
      if (overRate) return overRate;
      const prepared = prepareSubscription(parts, payload);
      if (Array.isArray(prepared)) return prepared;
      if (state.running.size >= events.perConnection) {
        return tooMany("on one WebSocket", events.perConnection);
      }
      const release = slots.take(state.client);
      if (!release) return tooMany("for one client", slots.max);
      state.running.set(id, release);
      holdWhileRunning(parts, state, ctx.extra.request.socket);
      const contextValue: SubscriptionContext = {
        events: hub,
        slow: () => socket.bufferedAmount > events.subscriberBufferBytes,
      };
      return { ...prepared, contextValue };
    },
    onNext: (_ctx, _id, _payload, _args, result) => formatted(result),
    onComplete: (ctx, id) => {
      const state = states.get(ctx.extra.socket);
      if (!state) return;
      state.running.get(id)?.();
      state.running.delete(id);
      holdWhileRunning(parts, state, ctx.extra.request.socket);
    },
    onClose: (ctx) => {
      const state = states.get(ctx.extra.socket);
      if (!state) return;
      for (const release of state.running.values()) release();
      state.running.clear();
      holdWhileRunning(parts, state, ctx.extra.request.socket);
    },
  };
}

export function serveWebSockets(parts: WebSocketParts) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: parts.maxDocumentBytes * 2 });
  const states = new WeakMap<WebSocket, SocketState>();
  useServer<Record<string, unknown> | undefined>(
    serverOptions(parts, states),
    wss,
    parts.events.keepAliveMs,
  );

  return {
    /** An `upgrade` on the HTTP server: /graphql only, checked, then handed to graphql-ws. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      if (pathOf(req.url) !== "/graphql") return rejectUpgrade(socket, 404, "Not Found");
      const refusal = parts.refusal(req);
      if (refusal) return rejectUpgrade(socket, refusal.status, refusal.reason);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    /** Closes every socket 1012 and waits (up to `waitMs`) for them to close. */
    async close(waitMs: number): Promise<void> {
      const closing = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once("close", () => resolve());
            ws.close(SERVICE_RESTART, "Service Restart: reconnect to another replica");
          }),
      );
      await Promise.race([
        Promise.all(closing),
        new Promise((resolve) => setTimeout(resolve, waitMs).unref()),
      ]);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
