/** The HTTP server's life: listen, count requests in flight, drain, stop. */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { HttpLimits } from "../config.js";
import { ConnectionCap } from "./connections.js";

function createHttpServer(http: HttpLimits): Server {
  return createServer({
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // Node checks both timeouts on this period (30 s by default, longer than a short timeout).
    connectionsCheckingInterval: Math.min(
      1_000,
      Math.max(50, Math.floor(http.headersTimeoutMs / 4)),
    ),
  });
}

export class Lifecycle {
  /** Set at shutdown: new operations are refused SHUTTING_DOWN, /ready reports draining. */
  draining = false;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  /** Run once the requests in flight ended, before the connections close (the subscriptions). */
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly server: Server;
  private readonly connections: ConnectionCap;

  constructor(
    http: HttpLimits,
    private readonly logger: Logger,
  ) {
    this.server = createHttpServer(http);
    this.connections = new ConnectionCap(this.server, http.maxConnections);
  }

  /** Every request goes to `handler` (but a non-probe on a reserve connection: see ConnectionCap). */
  serve(handler: RequestListener): void {
    this.server.on("request", (req, res) => {
      if (this.connections.admitsRequest(req, res)) handler(req, res);
    });
  }

  /** Every `upgrade` (a WebSocket) goes to `handler`. */
  serveUpgrades(handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): void {
    this.server.on("upgrade", handler);
  }

  /** Keeps a subscription's connection from being taken at the connection cap; returns a release. */
  hold(socket: Duplex): () => void {
    return this.connections.hold(socket as Socket);
  }

  /** `close` runs at the drain once the requests in flight ended, before the connections close. */
  beforeClose(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  listen(port: number, host: string): Promise<string> {
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        const { address, port: bound } = server.address() as AddressInfo;
        resolve(`http://${address.includes(":") ? `[${address}]` : address}:${bound}`);
      });
    });
  }

  /**
   * From here the request counts as in flight: the drain waits for it, and its connection is not
   * given up at the connection cap. A request whose body is still arriving is neither. Returns
   * whether the client has gone (its connection closed before the answer was sent).
   */
  beginExecution(res: ServerResponse): () => boolean {
    this.inFlight++;
    const release = this.connections.markExecuting(res);
    let clientGone = false;
    res.once("close", () => {
      clientGone = !res.writableFinished;
      release();
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    });
    return () => clientGone;
  }

  /**
   * Reports not-ready and refuses new operations (503, retryable) while the listener stays up,
   * so a load balancer sees the change; once the operations in flight end, or the grace runs
   * out, closes every connection.
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.inFlight > 0) {
      this.logger.info(
        { inFlight: this.inFlight, graceMs },
        "draining: waiting for requests in flight",
      );
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        setTimeout(resolve, graceMs).unref();
      });
    }
    await Promise.all(this.closers.map((close) => close()));
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
