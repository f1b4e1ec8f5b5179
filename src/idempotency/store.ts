/** Where claims and stored answers live: this process (bounded) by default, Redis across replicas. */
import { DEFAULT_YOUNG_MS } from "../config.js";

/**
 * A stored answer: sealed (AES-256-GCM, `Buffer`) in a store whose data leaves the process and
 * rests elsewhere (Redis), or its text in this process's own memory (see `sealsAnswers`).
 */
export type Box = Buffer | string;

/**
 * A claim whose request is still running, or the answer it left. An answer's `box` is null when
 * only its outcome is kept (the request ran, its answer was too large to keep or was set aside
 * for another's): a retry is then refused, never run again.
 */
export type Entry =
  | { state: "pending"; fingerprint: string; owner: string }
  | { state: "done"; fingerprint: string; box: Box | null };

/** `full`: the client (scope) keeps as many entries as it may, none old enough to go. */
export type Claim =
  { kind: "claimed" } | { kind: "taken"; entry: Entry } | { kind: "full"; retryAfterMs: number };

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
   * A lease outlives the longest request, so it only lapses when its process died. `scope` (an
   * HMAC of the client key's label, never the label, the key or a plain hash of it: a store may
   * name keys after it) bounds what one client may keep in a bounded store.
   */
  claim(
    index: string,
    fingerprint: string,
    owner: string,
    leaseMs: number,
    scope?: string,
  ): Promise<Claim>;
  /**
   * Replaces the claim with the answer, kept for `ttlMs`. Returns false when only the outcome was
   * kept (the answer is larger than the store keeps whole, or than its scope has room for): a
   * retry is then refused. `scope` as for `claim`.
   */
  complete(
    index: string,
    fingerprint: string,
    box: Box,
    ttlMs: number,
    scope?: string,
  ): Promise<boolean>;
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
  /** When it was claimed, then when its answer was stored: its age counts from there. */
  since: number;
  /** The answer's size (0 for a claim, or when only the outcome is kept). */
  bytes: number;
  scope: string;
}

/** One client's (scope's) entries, in the order they were claimed or answered, and their bytes. */
interface Scope {
  indexes: Set<string>;
  /**
   * Those whose answer is kept whole, in the order they were stored: making byte room walks
   * these alone, never the outcomes already set aside (at the bound, most of the scope).
   */
  answers: Set<string>;
  bytes: number;
}

export interface MemoryStoreLimits {
  /** Entries (claims, answers, kept outcomes) at most. */
  maxEntries: number;
  /** Bytes (characters) of answers kept at most. */
  maxBytes: number;
  /**
   * What one client (scope) may keep, as a share of both bounds; an answer larger than its
   * scope's share of bytes is never kept whole (only its outcome). Room is made only within the
   * scope that needs it: one client's flood never touches another's entries.
   */
  scopeShare: number;
  /**
   * An entry younger than this is young: it is never dropped, and its answer gives way (is set
   * aside, its outcome kept) only to an answer no larger than itself. So within one scope (every
   * user of one frontend) a huge answer cannot push out a small one while its retry may come.
   */
  youngMs: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryStoreLimits = {
  maxEntries: 50_000,
  maxBytes: 64 * 1024 * 1024,
  scopeShare: 0.1,
  youngMs: DEFAULT_YOUNG_MS,
};

/** How often, at most, a store at its bounds looks for lapsed entries among all of them. */
const SWEEP_EVERY_MS = 1_000;

/**
 * One process's store, bounded per client (scope) and in all. At a bound it makes room within
 * the client's own scope only: answers are set aside (the outcome stays, a retry is refused, never
 * run again), old ones first, young ones only for an answer no larger than they; whole entries go
 * only when old. Where no room can be made, a new answer keeps only its outcome, and a new claim
 * is refused (`full`) until the client's oldest entry is old.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly sealsAnswers: boolean = false;
  private readonly slots = new Map<string, Slot>();
  private readonly scopes = new Map<string, Scope>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private bytes = 0;
  private closed = false;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: MemoryStoreLimits = DEFAULT_MEMORY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The scope's bounds: a share of each of the store's, at least one entry. */
  private get scopeBounds(): { entries: number; bytes: number } {
    const { maxEntries, maxBytes, scopeShare } = this.limits;
    const share = Math.min(1, scopeShare);
    return {
      entries: Math.max(1, Math.floor(maxEntries * share)),
      bytes: Math.floor(maxBytes * share),
    };
  }

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
    const retryAfterMs = this.makeEntryRoom(scope);
    if (retryAfterMs > 0) return Promise.resolve({ kind: "full", retryAfterMs });
    this.put(index, { state: "pending", fingerprint, owner }, leaseMs, scope);
    return Promise.resolve({ kind: "claimed" });
  }

  complete(
    index: string,
    fingerprint: string,
    box: Box,
    ttlMs: number,
    claimedIn = "",
  ): Promise<boolean> {
    const existing = this.slots.get(index);
    // Stored twice (a lapsed claim taken over, then both ends finishing): the last answer counts.
    if (existing) this.setAside(index);
    const scope = existing?.scope ?? claimedIn;
    const kept = box.length <= this.scopeBounds.bytes && this.makeByteRoom(scope, box.length);
    // The claim's slot, if it lapsed meanwhile a new one: a claim is never dropped for room.
    const slot = this.slots.get(index) ?? this.put(index, null, ttlMs, scope);
    const own = this.scopes.get(scope)!;
    slot.entry = { state: "done", fingerprint, box: kept ? box : null };
    slot.expiresAt = this.now() + ttlMs;
    slot.since = this.now();
    slot.bytes = kept ? box.length : 0;
    own.bytes += slot.bytes;
    this.bytes += slot.bytes;
    // To the end of its scope's order: the newest answer.
    own.indexes.delete(index);
    own.indexes.add(index);
    if (kept) own.answers.add(index);
    this.wake(index);
    return Promise.resolve(kept);
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

  /** Bytes of answers kept, in all and (with `scope`) for one client. */
  keptBytes(scope?: string): number {
    return scope === undefined ? this.bytes : (this.scopes.get(scope)?.bytes ?? 0);
  }

  private live(index: string): Slot | undefined {
    const slot = this.slots.get(index);
    if (slot && slot.expiresAt <= this.now()) {
      this.drop(index);
      return undefined;
    }
    return slot;
  }

  /** A new slot of no bytes (a claim, or an answer about to be filled in), last of its scope. */
  private put(index: string, entry: Entry | null, ttlMs: number, scope: string): Slot {
    const now = this.now();
    const slot: Slot = {
      entry: entry ?? { state: "done", fingerprint: "", box: null },
      expiresAt: now + ttlMs,
      since: now,
      bytes: 0,
      scope,
    };
    this.slots.set(index, slot);
    let own = this.scopes.get(scope);
    if (!own) this.scopes.set(scope, (own = { indexes: new Set(), answers: new Set(), bytes: 0 }));
    own.indexes.add(index);
    return slot;
  }

  private isYoung(slot: Slot): boolean {
    return this.now() - slot.since < this.limits.youngMs;
  }

  /**
   * Room for one more entry in `scope`: its oldest answers or outcomes go whole, but only when
   * old. Returns 0 when there is room, else the ms until its oldest entry is old.
   */
  private makeEntryRoom(scope: string): number {
    const atBound = () =>
      (this.scopes.get(scope)?.indexes.size ?? 0) >= this.scopeBounds.entries ||
      this.slots.size >= this.limits.maxEntries;
    if (!atBound()) return 0;
    this.sweep();
    for (const index of this.scopes.get(scope)?.indexes ?? []) {
      if (!atBound()) return 0;
      const slot = this.slots.get(index)!;
      if (slot.entry.state === "pending") continue;
      if (this.isYoung(slot)) return slot.since + this.limits.youngMs - this.now();
      this.drop(index);
    }
    // Nothing of its own left to drop: the store is full of other clients' entries.
    return atBound() ? this.limits.youngMs : 0;
  }

  /**
   * Room for an answer of `bytes` within the scope's share and the store's bound, made only in
   * `scope`: old answers are set aside first (oldest first), then young ones at least as large
   * (largest first). False when that cannot make room: the new answer keeps only its outcome.
   */
  private makeByteRoom(scope: string, bytes: number): boolean {
    const fits = () =>
      (this.scopes.get(scope)?.bytes ?? 0) + bytes <= this.scopeBounds.bytes &&
      this.bytes + bytes <= this.limits.maxBytes;
    if (fits()) return true;
    this.sweep();
    const answers = this.scopes.get(scope)?.answers ?? new Set<string>();
    for (const index of answers) {
      if (fits()) return true;
      if (this.isYoung(this.slots.get(index)!)) break;
      this.setAside(index);
    }
    while (!fits()) {
      let largest: { index: string; bytes: number } | undefined;
      for (const index of answers) {
        const slot = this.slots.get(index)!;
        if (slot.bytes >= bytes && slot.bytes > (largest?.bytes ?? 0))
          largest = { index, bytes: slot.bytes };
      }
      if (!largest) return false;
      this.setAside(largest.index);
    }
    return true;
  }

  /** Drops the answer, keeps the outcome: a retry is refused, never run again. */
  private setAside(index: string): void {
    const slot = this.slots.get(index)!;
    if (slot.entry.state !== "done") return;
    slot.entry = { state: "done", fingerprint: slot.entry.fingerprint, box: null };
    const own = this.scopes.get(slot.scope)!;
    own.answers.delete(index);
    own.bytes -= slot.bytes;
    this.bytes -= slot.bytes;
    slot.bytes = 0;
  }

  /** Drops every lapsed entry (at most once a second: it looks at all of them). */
  private sweep(): void {
    const now = this.now();
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [index, slot] of this.slots) if (slot.expiresAt <= now) this.drop(index);
  }

  private drop(index: string): void {
    const slot = this.slots.get(index);
    if (!slot) return;
    this.slots.delete(index);
    this.bytes -= slot.bytes;
    const own = this.scopes.get(slot.scope);
    if (own) {
      own.indexes.delete(index);
      own.answers.delete(index);
      own.bytes -= slot.bytes;
      if (own.indexes.size === 0) this.scopes.delete(slot.scope);
    }
  }

  private wake(index: string): void {
    for (const waiter of [...(this.waiters.get(index) ?? [])]) waiter();
  }
}
