import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { pathOf } from "./http-io.js";

/**
 * Connections admitted past the cap for `/health` and `/ready` only: a liveness and a readiness
 * probe at once. Each answers one probe and closes.
 */
const RESERVE_CONNECTIONS = 2;
const PROBE_PATHS = new Set(["/health", "/ready"]);

/**
 * Caps the server's open connections. At the cap a new connection takes the place of the oldest
 * one with no request executing (idle keep-alive, or headers or body still arriving), so a flood
 * of slow or silent sockets cannot keep a real client out; failing that, of the oldest one whose
 * answers are all written and only wait for a client that does not read them (a client that
 * pipelines requests and never reads would otherwise hold its connection for good). When every connection is executing a
 * request, the new one goes to a small reserve that serves only `/health` and `/ready` (one probe,
 * then closed), so a gateway busy to its cap still says it is alive; any other request there is
 * refused by closing the connection, as a connection past the reserve is. A connection dropped
 * that way lost nothing: none of its requests had started.
 */
export class ConnectionCap {
  /** In the order they connected: the first idle one is the oldest. */
  private readonly open = new Set<Socket>();
  /** Past the cap, for probes only; in the order they connected. */
  private readonly reserve = new Set<Socket>();
  /** Connections serving a subscription (a WebSocket, an SSE stream): never taken as idle. */
  private readonly held = new Set<Socket>();
  /** Responses not yet closed per connection (a pipelining client may have more than one). */
  private readonly executing = new Map<Socket, Set<ServerResponse>>();

  constructor(
    server: Server,
    private readonly max: number,
  ) {
    server.on("connection", (socket: Socket) => this.admit(socket));
  }

  /**
   * Marks a response's connection busy until the returned release is called (once the response
   * closed); busy executing until the response is ended, then only flushing to its client.
   */
  markExecuting(res: ServerResponse): () => void {
    const socket = res.socket;
    if (!socket) return () => undefined;
    const responses = this.executing.get(socket) ?? new Set<ServerResponse>();
    this.executing.set(socket, responses.add(res));
    return () => {
      responses.delete(res);
      if (responses.size === 0 && this.executing.get(socket) === responses) {
        this.executing.delete(socket);
      }
    };
  }

  /** Marks a connection as serving a subscription until the returned release is called. */
  hold(socket: Socket): () => void {
    this.held.add(socket);
    return () => this.held.delete(socket);
  }

  /**
   * For a request on a reserve connection: false (and the connection closed) unless it is a
   * probe; a probe's connection closes after its answer. True for every other connection.
   */
  admitsRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    if (!this.reserve.has(socket)) return true;
    if (!PROBE_PATHS.has(pathOf(req.url))) {
      socket.destroy();
      return false;
    }
    res.setHeader("connection", "close");
    res.once("close", this.markExecuting(res));
    return true;
  }

  private admit(socket: Socket): void {
    if (this.enter(socket, this.open, this.max)) return;
    if (!this.enter(socket, this.reserve, RESERVE_CONNECTIONS)) socket.destroy();
  }

  /**
   * Adds `socket` to `sockets` (at most `cap` of them), making room by closing the oldest idle
   * one; false when all are executing (nothing is closed then).
   */
  private enter(socket: Socket, sockets: Set<Socket>, cap: number): boolean {
    if (sockets.size >= cap) {
      const idle = this.oldestIdle(sockets);
      if (!idle) return false;
      this.forget(idle);
      idle.destroy();
    }
    sockets.add(socket);
    socket.once("close", () => this.forget(socket));
    return true;
  }

  /** The oldest with no response open, else the oldest whose responses are all ended. */
  private oldestIdle(sockets: Set<Socket>): Socket | undefined {
    for (const socket of sockets) {
      if (!this.executing.has(socket) && !this.held.has(socket)) return socket;
    }
    for (const socket of sockets) {
      if (!this.isExecuting(socket) && !this.held.has(socket)) return socket;
    }
    return undefined;
  }

  /** A response still being worked out or written by the gateway (not ended) on `socket`. */
  private isExecuting(socket: Socket): boolean {
    for (const res of this.executing.get(socket) ?? []) if (!res.writableEnded) return true;
    return false;
  }

  private forget(socket: Socket): void {
    this.open.delete(socket);
    this.reserve.delete(socket);
    this.executing.delete(socket);
    this.held.delete(socket);
  }
}
