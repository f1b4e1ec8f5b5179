import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body, or undefined when none was sent. */
  body: unknown;
}

/**
 * What the fake sends back: a status with `body` (sent as JSON) or `text` (sent as it is, as HTML
 * unless `headers` say otherwise), or a fault.
 */
export type Reply =
  | {
      status: number;
      body?: unknown;
      text?: string;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | { fault: "reset-before-headers" | "reset-mid-body" | "trickle-body" | "truncated-json" };

/**
 * A real HTTP server on loopback that answers from a script and records every request it got.
 * Replies are used in order; the last one repeats.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private replies: Reply[] = [];
  /** When set, answers every request instead of the scripted replies. */
  route?: (request: RecordedRequest) => Reply;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Who waits for a count of requests (`received`). */
  private readonly waiting = new Set<() => void>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  url = "";

  constructor() {
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(...replies: Reply[]): Promise<FakeUpstream> {
    const fake = new FakeUpstream();
    fake.reply(...replies);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  reply(...replies: Reply[]): this {
    this.replies = replies;
    return this;
  }

  /** Forgets the requests and the route, and scripts `replies` (between tests sharing the fake). */
  reset(...replies: Reply[]): this {
    this.requests.length = 0;
    this.route = undefined;
    return this.reply(...replies);
  }

  /**
   * Resolves once `count` requests arrived (at once if they have), so a test acts the moment the
   * gateway's calls are in flight instead of sleeping on a guess; rejects after `timeoutMs`.
   */
  received(count: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.requests.length < count) return;
        this.waiting.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.delete(check);
        reject(new Error(`FakeUpstream: ${this.requests.length} of ${count} requests arrived`));
      }, timeoutMs);
      this.waiting.add(check);
      check();
    });
  }

  /** Connections open now, from the fake's side. */
  get openSockets(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString("utf8");
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body: text === "" ? undefined : (JSON.parse(text) as unknown),
    };
    this.requests.push(recorded);
    for (const check of [...this.waiting]) check();
    const reply = this.route
      ? this.route(recorded)
      : this.replies.length > 1
        ? this.replies.shift()!
        : this.replies[0];
    if (!reply) throw new Error("FakeUpstream has no reply scripted");
    if ("fault" in reply) {
      if (reply.fault === "reset-before-headers") req.socket.destroy();
      if (reply.fault === "reset-mid-body") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('[{"id": "');
        setTimeout(() => req.socket.destroy(), 20);
      }
      if (reply.fault === "trickle-body") {
        res.writeHead(200, { "content-type": "application/json" });
        const timer = setInterval(() => res.write(" "), 50);
        res.once("close", () => clearInterval(timer));
      }
      if (reply.fault === "truncated-json") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end('[{"id": "b1", "account": {"id"');
      }
      return;
    }
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, reply.delayMs);
        this.timers.add(timer);
      });
    }
    const body = reply.text ?? JSON.stringify(reply.body ?? null);
    const contentType = reply.text === undefined ? "application/json" : "text/html";
    res.writeHead(reply.status, { "content-type": contentType, ...reply.headers }).end(body);
  }
}
