/** The built-in Belvo sandbox emulator: a real HTTP server with Belvo's sandbox behaviour. */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SandboxError, checkAuth, readJson, sendError } from "./responses.js";
import * as life from "./link-life.js";
import type { RefreshCompleted } from "./link-lives.js";
import * as routes from "./routes.js";
import { SandboxState, systemClock, type Clock, type DataFlow } from "./state.js";
import { webhooksOf, type SandboxWebhooks } from "./webhooks.js";

export interface SandboxOptions {
  clock?: Clock;
  maxSessions?: number;
  maxLinks?: number;
  /** Belvo's cooldown between two refreshes of one link (default 10 minutes). */
  refreshCooldownMs?: number;
  /** Told of each refresh once its 202 was sent (also `state.lives.onRefreshComplete`). */
  onRefreshComplete?: (event: RefreshCompleted) => void;
}

export interface Sandbox {
  url: string;
  state: SandboxState;
  /** Its webhooks: set `target` to the gateway beside it (src/sandbox/webhooks.ts). */
  webhooks: SandboxWebhooks;
  server: Server;
  close(): Promise<void>;
}

type Handler = (call: routes.Call) => void;

interface Collection {
  list?: Record<string, Handler>;
  item?: Record<string, Handler>;
  /** `/api/things/{id}/{action}/`, e.g. a link's `refresh`. */
  actions?: Record<string, Record<string, Handler>>;
}

/** A data resource: GET lists what was saved, POST retrieves, PATCH resumes. */
const dataResource = (flow: DataFlow, list: Handler): Collection => ({
  list: { GET: list, POST: routes.retrieve(flow), PATCH: routes.resume(flow) },
});

const COLLECTIONS: Record<string, Collection> = {
  "": { list: { GET: routes.apiRoot } },
  links: {
    list: { GET: routes.listLinks, POST: routes.registerLink, PATCH: routes.resume("link") },
    item: {
      GET: routes.getLink,
      PATCH: routes.patchLink,
      PUT: life.updateLink,
      DELETE: life.deleteLink,
    },
    actions: { refresh: { POST: life.refreshLink } },
  },
  token: { list: { POST: life.widgetToken } },
  balances: dataResource("balances", routes.listBalances),
  accounts: {
    ...dataResource("accounts", routes.listAccounts),
    item: { GET: routes.getAccount },
  },
  transactions: dataResource("transactions", routes.listTransactions),
  owners: dataResource("owners", routes.listOwners),
  institutions: { list: { GET: routes.listInstitutions } },
};

const PATH = /^\/api\/(?:([a-z]+)\/(?:([^/]+)\/(?:([a-z]+)\/)?)?)?$/;

function route(method: string, pathname: string): { handler: Handler; id?: string } {
  const match = PATH.exec(pathname);
  const collection = match ? COLLECTIONS[match[1] ?? ""] : undefined;
  const action = match?.[3];
  const actions = action === undefined ? undefined : collection?.actions?.[action];
  if (!match || !collection || (action !== undefined && !actions))
    throw new SandboxError(404, [{ code: "not_found", message: "Not found." }]);
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const handlers = actions ?? (id === undefined ? collection.list : collection.item);
  const handler = handlers?.[method];
  if (!handler) {
    throw new SandboxError(405, [
      { code: "method_not_allowed", message: `Method "${method}" not allowed.` },
    ]);
  }
  return { handler, id };
}

export async function startSandbox(
  port = 0,
  host = "127.0.0.1",
  options: SandboxOptions = {},
): Promise<Sandbox> {
  const state = new SandboxState(options.clock ?? systemClock, {
    maxSessions: options.maxSessions ?? 10_000,
    maxLinks: options.maxLinks ?? 10_000,
  });
  state.lives.cooldownMs = options.refreshCooldownMs ?? state.lives.cooldownMs;
  state.lives.onRefreshComplete = options.onRefreshComplete;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    (async () => {
      checkAuth(req);
      const { handler, id } = route(req.method ?? "GET", url.pathname);
      const body = req.method === "GET" ? {} : await readJson(req);
      handler({ req, res, url, state, body, id });
    })().catch((error: unknown) => {
      if (error instanceof SandboxError) sendError(res, error);
      else
        sendError(
          res,
          new SandboxError(500, [
            { code: "unexpected_error", message: "The Belvo sandbox emulator failed." },
          ]),
        );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}`,
    state,
    webhooks: webhooksOf(state),
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
