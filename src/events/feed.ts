/**
 * One subscriber's feed: what the subscription's source stream yields (graphql-js `subscribe`
 * pulls it). A plain iterator rather than an async generator, so `return()` (the client left)
 * frees it at once even while it waits for the next event.
 */
import type { StoredEvent } from "./store.js";

/** The last delivery of a subscriber dropped: why (the resolver turns it into an error). */
export interface Dropped {
  dropped: { code: string; message: string };
}

export type Delivery = StoredEvent | Dropped;

export function isDropped(delivery: Delivery): delivery is Dropped {
  return "dropped" in delivery;
}

/** Deliveries handed over at once, at most: a replay is read a page at a time as they are taken. */
export const PAGE = 50;

const DONE: IteratorResult<Delivery> = { done: true, value: undefined };

export class Feed implements AsyncIterableIterator<Delivery> {
  private readonly queue: Delivery[] = [];
  private reader: ((result: IteratorResult<Delivery>) => void) | null = null;
  private roomWaiters: (() => void)[] = [];
  /** Nothing more will be pushed; the queue is still read out. */
  private ended = false;
  /** The consumer is gone (or everything was read): `onClose` has run. */
  closed = false;

  constructor(private readonly onClose: () => void) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<Delivery> {
    return this;
  }

  next(): Promise<IteratorResult<Delivery>> {
    const value = this.queue.shift();
    if (value !== undefined) {
      if (this.queue.length < PAGE) this.wakeRoom();
      return Promise.resolve({ done: false, value });
    }
    if (this.ended) {
      this.close();
      return Promise.resolve(DONE);
    }
    this.wakeRoom();
    return new Promise((resolve) => (this.reader = resolve));
  }

  return(): Promise<IteratorResult<Delivery>> {
    this.ended = true;
    this.queue.length = 0;
    this.close();
    return Promise.resolve(DONE);
  }

  throw(): Promise<IteratorResult<Delivery>> {
    return this.return();
  }

  push(delivery: Delivery): void {
    if (this.ended) return;
    if (this.reader) {
      const reader = this.reader;
      this.reader = null;
      reader({ done: false, value: delivery });
    } else this.queue.push(delivery);
  }

  /** Ends the feed after what is queued (and `last`, if given, replaces what is queued). */
  end(last?: Delivery): void {
    if (this.ended) return;
    if (last) {
      this.queue.length = 0;
      this.push(last);
    }
    this.ended = true;
    if (this.reader && this.queue.length === 0) {
      const reader = this.reader;
      this.reader = null;
      reader(DONE);
      this.close();
    }
  }

  get active(): boolean {
    return !this.ended;
  }

  /** Resolves once the consumer has room for a page (at once if it has), or the feed ended. */
  room(): Promise<void> {
    if (this.queue.length < PAGE || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private wakeRoom(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeRoom();
    if (this.reader) {
      this.reader(DONE);
      this.reader = null;
    }
    this.onClose();
  }
}
