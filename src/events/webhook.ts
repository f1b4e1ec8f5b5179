/**
 * `POST /webhooks/belvo`: Belvo's webhook, taken when BELVO_WEBHOOK_SECRET is set (404 otherwise).
 * `Authorization: Bearer <secret>`, compared in constant time, before the body is read (anything
 * else: 401, nothing kept); not behind GATEWAY_API_KEYS. A body over 64 KiB is 413; one that is
 * not a JSON object with `webhook_id`, `webhook_type`, `webhook_code` and `link_id` is 400. A
 * webhook kept (or seen before: kept once) is 202 at once. Nothing in a webhook is more than a
 * hint: the receiver never calls Belvo.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestScope } from "../context.js";
import { ErrorCode } from "../errors.js";
import { BodyTooLarge, bearerKeys, readBody, sendJson } from "../edge/http-io.js";
import { refuse } from "../edge/refusals.js";
import { WEBHOOK_PATH } from "../edge/routes.js";
import type { EventHub } from "./hub.js";
import type { IncomingEvent } from "./store.js";

/** CONTRACT.md section 8. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;
/** The longest id, type, code or other string field taken. */
const MAX_FIELD_CHARS = 512;
/**
 * The deepest `data` taken (`data` itself is level 1). JSON.parse takes any depth, but
 * JSON.stringify overflows the stack at a few thousand levels (64 KiB hold 30,000): such an event,
 * once kept, could never be written to Redis, a subscriber or an answer again.
 */
export const WEBHOOK_MAX_DATA_DEPTH = 32;

const REQUIRED = ["webhook_id", "webhook_type", "webhook_code", "link_id"] as const;
const OPTIONAL = ["process_type", "request_id", "external_id"] as const;

export class WebhookProblem extends Error {}

/** True when `value` has objects or lists nested more than `levels` deep (stops past it). */
function deeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (levels === 0) return true;
  return Object.values(value).some((child) => deeperThan(child, levels - 1));
}

function text(body: Record<string, unknown>, key: string, required: boolean): string | null {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw new WebhookProblem(`The webhook lacks \`${key}\`.`);
    return null;
  }
  if (typeof value !== "string" || value.length > MAX_FIELD_CHARS || (required && !value)) {
    throw new WebhookProblem(
      `\`${key}\` must be a ${required ? "non-empty " : ""}string of at most ${MAX_FIELD_CHARS} characters.`,
    );
  }
  return value;
}

/** The event a webhook body describes, or a WebhookProblem naming the field. */
export function parseWebhook(raw: string, receivedAt: Date): IncomingEvent {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new WebhookProblem("The webhook body is not JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WebhookProblem("The webhook body is not a JSON object.");
  }
  const fields = body as Record<string, unknown>;
  const [id, type, code, link] = REQUIRED.map((key) => text(fields, key, true)) as string[];
  const [processType, requestId, externalId] = OPTIONAL.map((key) => text(fields, key, false));
  const data = fields.data ?? null;
  if (data !== null && (typeof data !== "object" || Array.isArray(data))) {
    throw new WebhookProblem("`data` must be a JSON object.");
  }
  if (deeperThan(data, WEBHOOK_MAX_DATA_DEPTH)) {
    throw new WebhookProblem(`\`data\` nests deeper than ${WEBHOOK_MAX_DATA_DEPTH} levels.`);
  }
  return {
    id: id!,
    link: link!,
    type: type!,
    code: code!,
    processType: processType ?? null,
    requestId: requestId ?? null,
    externalId: externalId ?? null,
    receivedAt: receivedAt.toISOString(),
    data: data as Record<string, unknown> | null,
  };
}

export interface WebhookParts {
  secret: string;
  hub: EventHub;
  now: () => Date;
}

export function webhookHandler({ secret, hub, now }: WebhookParts) {
  const authorized = bearerKeys([secret]);
  return async (req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> => {
    const { ids, logger } = scope;
    if (req.method !== "POST") {
      const message = `${WEBHOOK_PATH} takes POST, not ${req.method}.`;
      return refuse(
        res,
        { code: ErrorCode.MethodNotAllowed, message, headers: { allow: "POST" } },
        ids,
      );
    }
    if (authorized(req.headers.authorization) === null) {
      logger.warn({ path: WEBHOOK_PATH }, "webhook refused: no valid secret");
      const message = "Send BELVO_WEBHOOK_SECRET as `Authorization: Bearer <secret>`.";
      // The body is not read: the connection is not reused.
      const headers = { "www-authenticate": 'Bearer realm="belvo-webhooks"', connection: "close" };
      return refuse(res, { code: ErrorCode.Unauthenticated, message, headers }, ids);
    }
    const tooLarge = () => {
      const message = `The webhook body exceeds ${WEBHOOK_MAX_BODY_BYTES} bytes.`;
      refuse(res, { code: ErrorCode.PayloadTooLarge, message }, ids);
    };
    if (Number(req.headers["content-length"] ?? 0) > WEBHOOK_MAX_BODY_BYTES) return tooLarge();
    let event: IncomingEvent;
    try {
      event = parseWebhook(await readBody(req, WEBHOOK_MAX_BODY_BYTES), now());
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge();
      if (!(error instanceof WebhookProblem)) throw error;
      logger.warn({ path: WEBHOOK_PATH, problem: error.message }, "webhook refused");
      return refuse(res, { code: ErrorCode.BadRequest, message: error.message }, ids);
    }
    let kept: boolean;
    try {
      kept = await hub.receive(event);
    } catch (error) {
      logger.warn(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        "webhook refused: the event store did not answer",
      );
      const message = "The event store did not answer; send the webhook again.";
      return refuse(
        res,
        { code: ErrorCode.EventsUnavailable, message, extensions: { retryable: true } },
        ids,
      );
    }
    logger.info(
      { webhook: { id: event.id, type: event.type, code: event.code }, duplicate: !kept },
      kept ? "webhook received" : "webhook seen before: acknowledged, not delivered again",
    );
    sendJson(res, 202, { status: "accepted" });
  };
}
