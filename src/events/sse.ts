/**
 * Subscriptions over Server-Sent Events at /graphql/stream: graphql-sse's handler in its
 * distinct-connections mode (one subscription per request: `Accept: text/event-stream`, GET or
 * POST), behind the same admission as /graphql (CORS, `Authorization: Bearer <key>`, the rate).
 * Node's adapter is written here (graphql-sse's own reads a body without a bound): the body is
 * read up to MAX_BODY_BYTES. graphql-sse sends a keep-alive comment every 12 s. On the drain the
 * stream ends (its feed ends: `complete`, then the response ends).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { ExecutionResult } from "graphql";
import { createHandler } from "graphql-sse";
import type { EventsConfig } from "../config.js";
import type { RequestScope } from "../context.js";
import { ErrorCode } from "../errors.js";
import type { Admission } from "../edge/admission.js";
import { BodyTooLarge, mediaTypeEssence, readBody } from "../edge/http-io.js";
import { refuse } from "../edge/refusals.js";
import { STREAM_PATH } from "../edge/routes.js";
import type { SubscriptionContext } from "../resolvers/link-event.resolver.js";
import type { EventHub } from "./hub.js";
import {
  formatted,
  prepareSubscription,
  type ClientSlots,
  type OperationRules,
} from "./operations.js";

export interface StreamParts extends OperationRules {
  hub: EventHub;
  admission: Admission;
  events: EventsConfig;
  slots: ClientSlots;
  maxBodyBytes: number;
  hold: (socket: Duplex) => () => void;
}

interface StreamRequest {
  res: ServerResponse;
  release: () => void;
}

type StreamContext = SubscriptionContext & { release: () => void };

function streamHandler(parts: StreamParts) {
  const { hub, events } = parts;
  return createHandler<IncomingMessage, StreamRequest, StreamContext>({
    schema: parts.schema,
    // One token for every request: no stream is ever registered, so each is distinct.
    authenticate: () => "",
    onSubscribe: (req, params) => {
      const prepared = prepareSubscription(parts, params);
      if (Array.isArray(prepared)) {
        const body = JSON.stringify(formatted({ errors: prepared }));
        const headers = { "content-type": "application/json; charset=utf-8" };
        return [body, { status: 400, statusText: "Bad Request", headers }];
      }
      const { res, release } = req.context;
      const contextValue: StreamContext = {
        events: hub,
        slow: () => res.writableLength > events.subscriberBufferBytes,
        release,
      };
      return { ...prepared, contextValue };
    },
    onNext: (_ctx, _req, result) => formatted(result as ExecutionResult),
    onComplete: (ctx) => ctx.release(),
  });
}

/** Writes graphql-sse's answer: whole, or its stream until it ends or the client leaves. */
async function write(
  res: ServerResponse,
  [body, init]: Awaited<ReturnType<ReturnType<typeof streamHandler>>>,
): Promise<void> {
  res.writeHead(init.status, init.statusText, init.headers);
  if (!body || typeof body === "string") return void res.end(body ?? undefined);
  const stop = () => void body.return?.(undefined);
  res.once("close", stop);
  for await (const value of body) {
    if (!res.writable) break;
    await new Promise<void>((resolve, reject) =>
      res.write(value, (error) => (error ? reject(error) : resolve())),
    ).catch(stop);
  }
  res.off("close", stop);
  res.end();
}

export function serveStreams(parts: StreamParts) {
  const handler = streamHandler(parts);
  return async (req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> => {
    const { ids } = scope;
    const search = (req.url ?? "").slice(STREAM_PATH.length);
    const admitted = await parts.admission(req, res, search, scope);
    if (!admitted) return;
    if (admitted.keyless) {
      const message = "Send a valid gateway API key as `Authorization: Bearer <key>`.";
      return refuse(res, { code: ErrorCode.Unauthenticated, message }, ids);
    }
    if (req.method !== "GET" && req.method !== "POST") {
      const message = `${STREAM_PATH} takes GET or POST, not ${req.method}.`;
      const headers = { allow: "GET, POST" };
      return refuse(res, { code: ErrorCode.MethodNotAllowed, message, headers }, ids);
    }
    if (mediaTypeEssence(req.headers.accept) !== "text/event-stream") {
      const message = `${STREAM_PATH} serves subscriptions as Server-Sent Events: send Accept: text/event-stream.`;
      return refuse(res, { code: ErrorCode.NotAcceptable, message }, ids);
    }
    const client = admitted.client ?? `addr:${req.socket.remoteAddress ?? "?"}`;
    const release = parts.slots.take(client);
    if (!release) {
      const message = `More than ${parts.slots.max} subscriptions for one client; end one first.`;
      return refuse(res, { code: ErrorCode.TooManySubscriptions, message }, ids);
    }
    res.once("close", release);
    res.once("close", parts.hold(req.socket));
    let answer;
    try {
      answer = await handler({
        method: req.method,
        url: req.url ?? "/",
        headers: { get: (key) => [req.headers[key] ?? []].flat().join("\n") || undefined },
        body: () => readBody(req, parts.maxBodyBytes),
        raw: req,
        context: { res, release },
      });
    } catch (error) {
      release();
      if (!(error instanceof BodyTooLarge)) throw error;
      const message = `The request body exceeds ${parts.maxBodyBytes} bytes.`;
      return refuse(res, { code: ErrorCode.PayloadTooLarge, message }, ids);
    }
    await write(res, answer);
  };
}
