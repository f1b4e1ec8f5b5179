import { destination as fileDestination, pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./config.js";

/**
 * Keys whose values are never written, at any depth a log call passes: the contract allows no
 * secret in a log line, so this is configuration, not care at each call site.
 */
const SECRET_KEYS = new Set([
  "authorization",
  "cookie",
  "password",
  "password2",
  "token",
  "secretId",
  "secretPassword",
  "apiKeys",
  "variables",
]);
const MAX_DEPTH = 6;

/** No string in a log line is longer than this: a client chooses many of them. */
const MAX_LOGGED_STRING = 1_000;

/** The start of a string a client chose, and its length: a log line stays small. */
export function clip(value: string, max = 200): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[${value.length} characters]`;
}

/**
 * A copy with secret keys censored and long strings clipped; the same object when there is
 * nothing to change.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return clip(value, MAX_LOGGED_STRING);
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH || value instanceof Error)
    return value;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    let items: unknown[] | undefined;
    list.forEach((item, index) => {
      const clean = scrub(item, depth + 1);
      if (clean !== item) (items ??= [...list])[index] = clean;
    });
    return items ?? list;
  }
  // for…in and no entries() arrays: this runs on every log line.
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    const clean = SECRET_KEYS.has(key) ? "[redacted]" : scrub(item, depth + 1);
    if (clean !== item) (copy ??= { ...object })[key] = clean;
  }
  return copy ?? value;
}

/** Lines are written once this many characters are waiting (a request writes two, ~600). */
export const LOG_BUFFER_CHARS = 4096;
/** No line waits longer than this to be written, however quiet the gateway. */
export const LOG_FLUSH_MS = 100;

/**
 * Signals that end the process by default with no "exit" event: the batch waiting is written
 * before they do. SIGTERM and SIGINT too: index.ts drains on them (then exits, flushing), but
 * only once it listens, and start-up may wait seconds for Redis before that.
 */
const ENDING_SIGNALS = ["SIGHUP", "SIGTERM", "SIGINT", "SIGUSR2"] as const;

/** What pino writes to: lines, and a flush (`logger.flush(callback)`). */
interface LineSink extends DestinationStream {
  flush(done?: () => void): void;
}

/**
 * Standard output in production. Synchronous writes, pino's default: measured under load,
 * cheaper than handing each line to libuv's thread pool, and a slow reader of stdout slows the
 * gateway rather than growing its memory (sonic-boom waits out EAGAIN). Batched: one write
 * syscall per LOG_BUFFER_CHARS rather than one per line (two a request, each a chance for the
 * main thread to be descheduled on a loaded machine), so the memory held is that batch and no
 * more; a line waits at most LOG_FLUSH_MS, and whatever waits is written as the process exits.
 * The lines are kept in a list and joined once per write: sonic-boom's own `minLength` appends
 * each line to one string and measures it again, copying the whole batch at every line.
 */
export function bufferedDestination(fd: number, flushMs = LOG_FLUSH_MS): LineSink {
  const stream = fileDestination({ dest: fd, sync: true });
  let lines: string[] = [];
  let waiting = 0;
  const flush = () => {
    if (lines.length === 0) return;
    const batch = lines.join("");
    lines = [];
    waiting = 0;
    stream.write(batch);
  };
  const flushLast = () => {
    try {
      flush();
    } catch {
      // Closed already (pino turns its writes off on EPIPE): nothing can be written.
    }
  };
  setInterval(flush, flushMs).unref();
  process.once("exit", flushLast);
  for (const signal of ENDING_SIGNALS) {
    const onSignal = () => {
      flushLast();
      process.removeListener(signal, onSignal);
      // Handled elsewhere: that handler says what the signal does. Else it ends the process, as
      // it would have without this listener (the default action, exit status 128 + n).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
  return {
    write(line: string) {
      lines.push(line);
      waiting += line.length;
      if (waiting >= LOG_BUFFER_CHARS) flush();
    },
    flush(done) {
      flush();
      done?.();
    },
  };
}

/** JSON lines in production; readable lines otherwise. `destination` overrides both (tests). */
export function createLogger(
  level: LogLevel,
  production: boolean,
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: undefined,
    formatters: {
      log: (object: Record<string, unknown>) => scrub(object) as Record<string, unknown>,
    },
  };
  if (destination) return pino(options, destination);
  if (production) return pino(options, bufferedDestination(1));
  return pino(
    options,
    pretty({ colorize: process.stdout.isTTY, ignore: "pid,hostname", sync: true }),
  );
}

/** What request-path code logs through: the process's logger or a RequestLogger (context.ts). */
export interface Log {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
