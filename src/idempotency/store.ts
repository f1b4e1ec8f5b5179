/** Where claims and stored answers live: this process (bounded) by default, Redis across replicas. */

/**
 * A stored answer: sealed (AES-256-GCM, `Buffer`) in a store whose data leaves the process and
 * rests elsewhere (Redis), or its text in this process's own memory (see `sealsAnswers`).
 */
export type Box = Buffer | string;

/** A claim whose request is still running, or the answer it left. */
export type Entry =
  | { state: "pending"; fingerprint: string; owner: string }
  | { state: "done"; fingerprint: string; box: Box };

export type Claim = { kind: "claimed" } | { kind: "taken"; entry: Entry };

export interface IdempotencyStore {
  /**
   * The answers leave this process (Redis: kept, copied and dumped elsewhere), so the gate seals
   * them with a key only the client holds. The in-process store keeps them as text: they are
   * data in use in the process that already holds the Belvo key pair reading every link's data,
   * and sealing them there would protect nothing that pair does not open (at a third of what a
   * keyed request costs).
   */
  readonly sealsAnswers: boolean;
  /**
   * Atomically claims `index` for `owner` for `leaseMs` unless an entry is there: then returns it.
   * A lease outlives the longest request, so it only lapses when its process died. `scope` (the
   * client's key label) bounds what one client may keep in a bounded store.
   */
  claim(
    index: string,
    fingerprint: string,
    owner: string,
    leaseMs: number,
    scope?: string,
  ): Promise<Claim>;
  /** Replaces the claim with the answer, kept for `ttlMs`. */
  complete(index: string, fingerprint: string, box: Box, ttlMs: number): Promise<void>;
  /** Drops `owner`'s claim (nothing was sent upstream), so a corrected retry can claim again. */
  release(index: string, owner: string): Promise<void>;
  /**
   * The entry once it is no longer pending (null: released or expired), or the pending one when
   * `deadline` (epoch ms) comes first.
   */
  settled(index: string, deadline: number): Promise<Entry | null>;
  close(): Promise<void>;
}

interface Slot {
  entry: Entry;
  expiresAt: number;
  bytes: number;
  scope: string;
}

export interface MemoryStoreLimits {
  /** Entries kept at most; past it the oldest answers go first (claims in flight stay). */
  maxEntries: number;
  /** Bytes (characters) of answers kept at most. */
  maxBytes: number;
  /**
   * What one client (scope) may keep, as a share of both bounds: past it, that client's own
   * oldest answers go, so one client's flood cannot evict another's answers (and make its retry
   * send a token again).
   */
  scopeShare: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryStoreLimits = {
  maxEntries: 10_000,
  maxBytes: 64 * 1024 * 1024,
  scopeShare: 0.1,
};

/** One process's store: a Map in insertion order, so the oldest answers are evicted first. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly sealsAnswers: boolean = false;
  private readonly slots = new Map<string, Slot>();
  /** Per client (scope): its indexes, oldest first, and the bytes of its answers. */
  private readonly scopes = new Map<string, { indexes: Set<string>; bytes: number }>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private bytes = 0;
  private closed = false;

  constructor(
    private readonly limits: MemoryStoreLimits = DEFAULT_MEMORY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  claim(
    index: string,
    fingerprint: string,
    owner: string,
    leaseMs: number,
    scope = "",
  ): Promise<Claim> {
    // A join woken by close() must not claim and run on a gateway that is stopping.
    if (this.closed) return Promise.reject(new Error("the idempotency store is closed"));
    const slot = this.live(index);
    if (slot) return Promise.resolve({ kind: "taken", entry: slot.entry });
    this.put(index, { state: "pending", fingerprint, owner }, leaseMs, 0, scope);
    return Promise.resolve({ kind: "claimed" });
  }

  complete(index: string, fingerprint: string, box: Box, ttlMs: number): Promise<void> {
    const slot = this.slots.get(index);
    const entry: Entry = { state: "done", fingerprint, box };
    if (slot) {
      // The claim's own slot becomes the answer's: room is made first (a claim is never
      // evicted, so this one stays), then it moves to the end of the eviction order.
      this.makeRoomInScope(slot.scope, box.length);
      this.makeRoom(box.length);
      this.slots.delete(index);
      slot.entry = entry;
      slot.expiresAt = this.now() + ttlMs;
      slot.bytes = box.length;
      this.slots.set(index, slot);
      this.account(index, slot.scope, box.length);
    } else {
      this.put(index, entry, ttlMs, box.length, "");
    }
    this.wake(index);
    return Promise.resolve();
  }

  release(index: string, owner: string): Promise<void> {
    const slot = this.slots.get(index);
    if (slot?.entry.state === "pending" && slot.entry.owner === owner) {
      this.drop(index);
      this.wake(index);
    }
    return Promise.resolve();
  }

  settled(index: string, deadline: number): Promise<Entry | null> {
    const current = this.live(index)?.entry ?? null;
    const wait = deadline - this.now();
    if (current?.state !== "pending" || wait <= 0) return Promise.resolve(current);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(index) ?? new Set();
      this.waiters.set(index, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.waiters.delete(index);
        resolve(this.live(index)?.entry ?? null);
      };
      const timer = setTimeout(done, wait);
      waiters.add(done);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const index of [...this.waiters.keys()]) this.wake(index);
    this.slots.clear();
    this.scopes.clear();
    this.bytes = 0;
    return Promise.resolve();
  }

  get size(): number {
    return this.slots.size;
  }

  private live(index: string): Slot | undefined {
    const slot = this.slots.get(index);
    if (slot && slot.expiresAt <= this.now()) {
      this.drop(index);
      return undefined;
    }
    return slot;
  }

  private put(index: string, entry: Entry, ttlMs: number, bytes: number, scope: string): void {
    this.makeRoomInScope(scope, bytes);
    this.makeRoom(bytes);
    this.slots.set(index, { entry, expiresAt: this.now() + ttlMs, bytes, scope });
    this.account(index, scope, bytes);
  }

  /** Adds `bytes` to the totals and moves `index` to the end of its scope's eviction order. */
  private account(index: string, scope: string, bytes: number): void {
    let own = this.scopes.get(scope);
    if (!own) this.scopes.set(scope, (own = { indexes: new Set(), bytes: 0 }));
    own.indexes.delete(index);
    own.indexes.add(index);
    own.bytes += bytes;
    this.bytes += bytes;
  }

  /**
   * One client past its share gives up its own oldest answers, nobody else's. Each scope keeps
   * its indexes in insertion order and its byte count, so this costs nothing while within it.
   */
  private makeRoomInScope(scope: string, bytes: number): void {
    const { maxEntries, maxBytes, scopeShare } = this.limits;
    const maxScopeEntries = Math.max(1, Math.floor(maxEntries * scopeShare));
    const maxScopeBytes = Math.floor(maxBytes * scopeShare);
    const own = this.scopes.get(scope);
    if (!own) return;
    for (const index of own.indexes) {
      if (own.indexes.size < maxScopeEntries && own.bytes + bytes <= maxScopeBytes) return;
      if (this.slots.get(index)?.entry.state === "done") this.drop(index);
    }
  }

  private drop(index: string): void {
    const slot = this.slots.get(index);
    if (!slot) return;
    this.slots.delete(index);
    this.bytes -= slot.bytes;
    const own = this.scopes.get(slot.scope);
    if (own) {
      own.indexes.delete(index);
      own.bytes -= slot.bytes;
      if (own.indexes.size === 0) this.scopes.delete(slot.scope);
    }
  }

  private wake(index: string): void {
    for (const waiter of [...(this.waiters.get(index) ?? [])]) waiter();
  }

  /**
   * The oldest answers go first (insertion order; with one TTL also the first to expire), down
   * to nine tenths of the bounds, so that a full store does not sweep on every insert. A claim in
   * flight is never evicted.
   */
  private makeRoom(bytes: number): void {
    const { maxEntries, maxBytes } = this.limits;
    if (this.slots.size < maxEntries && this.bytes + bytes <= maxBytes) return;
    const entries = Math.floor(maxEntries * 0.9);
    const room = Math.floor(maxBytes * 0.9) - bytes;
    for (const [index, slot] of this.slots) {
      if (this.slots.size < entries && this.bytes <= room) return;
      if (slot.entry.state === "done") this.drop(index);
    }
  }
}
