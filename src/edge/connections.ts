import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Caps the server's open connections. At the cap a new connection takes the place of the oldest
 * one with no request executing (idle keep-alive, or headers or body still arriving), so a flood
 * of slow or silent sockets cannot keep a real client out; only when every connection is
 * executing a request is the new one refused. A connection dropped that way lost nothing: none
 * of its requests had started.
 */
export class ConnectionCap {
  /** In the order they connected: the first idle one is the oldest. */
  private readonly open = new Set<Socket>();
  /** Requests executing per connection (a pipelining client may have more than one). */
  private readonly executing = new Map<Socket, number>();

  constructor(
    server: Server,
    private readonly max: number,
  ) {
    server.on("connection", (socket: Socket) => this.admit(socket));
  }

  /** Marks a connection busy until the returned release is called (once its response closed). */
  markExecuting(socket: Socket | null): () => void {
    if (!socket) return () => undefined;
    this.executing.set(socket, (this.executing.get(socket) ?? 0) + 1);
    return () => {
      const left = (this.executing.get(socket) ?? 1) - 1;
      if (left > 0) this.executing.set(socket, left);
      else this.executing.delete(socket);
    };
  }

  private admit(socket: Socket): void {
    if (this.open.size >= this.max) {
      const idle = this.oldestIdle();
      if (!idle) {
        socket.destroy();
        return;
      }
      this.forget(idle);
      idle.destroy();
    }
    this.open.add(socket);
    socket.once("close", () => this.forget(socket));
  }

  private oldestIdle(): Socket | undefined {
    for (const socket of this.open) if (!this.executing.has(socket)) return socket;
    return undefined;
  }

  private forget(socket: Socket): void {
    this.open.delete(socket);
    this.executing.delete(socket);
  }
}
