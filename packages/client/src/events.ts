/**
 * `subscribeLinkEvents`: a link's events over Server-Sent Events (graphql-sse, distinct
 * connections) at the gateway's `/graphql/stream`, reconnecting with `after` set to the last
 * event's cursor, so nothing is lost across a dropped connection, a gateway's drain (its stream
 * ends) or SUBSCRIBER_TOO_SLOW.
 */
import { print } from "graphql";
import { NetworkError, createClient } from "graphql-sse";
import { LinkEventsDocument, type LinkEventFieldsFragment } from "./generated.js";

export type LinkEvent = LinkEventFieldsFragment;

export interface SubscribeLinkEventsOptions {
  /** A LinkEvent's cursor: the kept events after it come first. */
  after?: string | null;
  /** Told of a failure that ends the subscription (a refused key, a bad link, a cursor refused). */
  onError?: (error: LinkEventsError) => void;
  /** The pause before the first reconnection, doubled each time up to 30 s (default 500 ms). */
  retryBaseMs?: number;
  /** Reconnections in a row without an event before giving up (default 10). */
  maxRetries?: number;
}

export class LinkEventsError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "LinkEventsError";
  }
}

/** Codes after which a new subscription (with `after`) is worth it. */
const RESUMABLE = new Set(["SUBSCRIBER_TOO_SLOW", "EVENTS_UNAVAILABLE", "SHUTTING_DOWN"]);

interface Connection {
  url: string;
  apiKey?: string;
  fetch?: typeof fetch;
}

function failure(error: unknown): { error: LinkEventsError; resumable: boolean } {
  const response = error instanceof NetworkError ? (error.response as { status?: unknown }) : null;
  const status = typeof response?.status === "number" ? response.status : null;
  if (status === null) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: new LinkEventsError(message, "NETWORK_ERROR", null), resumable: true };
  }
  const resumable = status === 429 || status >= 500;
  const code = status === 401 ? "UNAUTHENTICATED" : `HTTP_${status}`;
  return {
    error: new LinkEventsError(`The gateway answered HTTP ${status}.`, code, status),
    resumable,
  };
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribeLinkEvents(
  connection: Connection,
  link: string,
  onEvent: (event: LinkEvent) => void,
  options: SubscribeLinkEventsOptions = {},
): () => void {
  const client = createClient({
    url: connection.url,
    singleConnection: false,
    retryAttempts: 0,
    headers: connection.apiKey ? { authorization: `Bearer ${connection.apiKey}` } : {},
    ...(connection.fetch ? { fetchFn: connection.fetch } : {}),
  });
  const query = print(LinkEventsDocument);
  const base = options.retryBaseMs ?? 500;
  const maxRetries = options.maxRetries ?? 10;
  let after = options.after ?? null;
  let stopped = false;
  let attempts = 0;
  let dispose: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (error?: LinkEventsError) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    dispose?.();
    client.dispose();
    if (error) options.onError?.(error);
  };
  const again = (error: LinkEventsError) => {
    dispose = null;
    if (stopped) return;
    if (++attempts > maxRetries) return stop(error);
    timer = setTimeout(start, Math.min(30_000, base * 2 ** (attempts - 1)));
  };
  function start() {
    dispose = client.subscribe<{ linkEvents: LinkEvent }>(
      { query, variables: { link, after } },
      {
        next: (result) => {
          const problem = result.errors?.[0];
          if (problem) {
            const raw = problem.extensions?.code;
            const code = typeof raw === "string" ? raw : "UNKNOWN";
            const error = new LinkEventsError(problem.message, code, 200);
            return RESUMABLE.has(code) ? again(error) : stop(error);
          }
          const event = result.data?.linkEvents;
          if (!event) return;
          after = event.cursor;
          attempts = 0;
          onEvent(event);
        },
        error: (raw) => {
          const { error, resumable } = failure(raw);
          return resumable ? again(error) : stop(error);
        },
        // A linkEvents stream ends only when the gateway drains: go on elsewhere.
        complete: () => again(new LinkEventsError("The stream ended.", "STREAM_ENDED", null)),
      },
    );
  }
  start();
  return () => stop();
}
