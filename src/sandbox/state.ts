/** The emulator's memory: links, their accounts, open MFA sessions. Bounded; oldest evicted first. */
import {
  accountsFor,
  type SandboxAccount,
  type SandboxBalance,
  type SandboxLink,
  type SandboxOwner,
  type SandboxTransaction,
} from "./data.js";
import { hex32From, uuidFrom } from "./ids.js";
import { findInstitution } from "./institutions.js";
import { LinkLives } from "./link-lives.js";

export interface Clock {
  now(): Date;
}

/** A clock that moves only when told: tests use it to reach a session's expiry. */
export class ManualClock implements Clock {
  private time: number;
  constructor(start: Date = new Date()) {
    this.time = start.getTime();
  }
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export const systemClock: Clock = { now: () => new Date() };

export type MfaKind = "device" | "numeric" | "qr";

/** What a paused retrieval asked for: dates and account for balances and transactions. */
export interface DataRequest {
  dateFrom: string;
  dateTo: string;
  account: string | null;
}

export type Flow = "link" | DataFlow;
export type DataFlow = "balances" | "accounts" | "transactions" | "owners";

export interface MfaSession {
  id: string;
  flow: Flow;
  linkId: string;
  mfa: MfaKind;
  expiresAt: number;
  /** Null for links, accounts and owners. */
  request: DataRequest | null;
  /** The docs' example session: never expires, never used up. */
  permanent: boolean;
}

export const SESSION_EXPIRY_SECONDS = 720;

/** Belvo's documented example, always open for both resumes. */
export const EXAMPLE = {
  session: "39cd6a88-8ee3-4e59-a861-b8a2187e0f4c",
  link: "683005d6-f45c-4adb-b289-f1a12f50f80c",
  token: "1234ab",
  institution: "heimdall_mx_retail",
} as const;

/** Days before "today" that the example balances session covers. */
const EXAMPLE_BALANCE_DAYS = 2;

export interface StateLimits {
  maxSessions: number;
  maxLinks: number;
}

/** What a retrieval with `save_data: true` keeps, by resource. */
interface Saved {
  balances: SandboxBalance[];
  transactions: SandboxTransaction[];
  owners: SandboxOwner[];
}

export class SandboxState {
  private readonly links = new Map<string, SandboxLink>();
  private readonly accounts = new Map<string, SandboxAccount>();
  private readonly accountsByLink = new Map<string, SandboxAccount[]>();
  private readonly sessions = new Map<string, MfaSession>();
  private readonly saved: { [K in keyof Saved]: Map<string, Saved[K]> } = {
    balances: new Map(),
    transactions: new Map(),
    owners: new Map(),
  };
  /** Links registered through an MFA login ask for the same factor on every retrieval. */
  private readonly mfaByLink = new Map<string, MfaKind>();
  private sequence = 0;
  /** Each link's life after its first login: its login, refreshes, a later change of status. */
  readonly lives = new LinkLives();

  constructor(
    readonly clock: Clock,
    private readonly limits: StateLimits,
  ) {
    this.addLink(
      {
        institution: EXAMPLE.institution,
        accessMode: "recurrent",
        externalId: null,
        username: "mfa_default",
      },
      EXAMPLE.link,
    );
    this.setLinkMfa(EXAMPLE.link, "device");
    const today = clock.now();
    const from = new Date(today.getTime() - EXAMPLE_BALANCE_DAYS * 86_400_000);
    for (const flow of ["link", "balances", "accounts", "transactions", "owners"] as const) {
      const request =
        flow === "balances" || flow === "transactions"
          ? {
              dateFrom: from.toISOString().slice(0, 10),
              dateTo: today.toISOString().slice(0, 10),
              account: null,
            }
          : null;
      // Both flows share the documented session id, so each gets its own key.
      this.sessions.set(`${flow}:${EXAMPLE.session}`, {
        id: EXAMPLE.session,
        flow,
        linkId: EXAMPLE.link,
        mfa: "device",
        expiresAt: Number.POSITIVE_INFINITY,
        request,
        permanent: true,
      });
    }
  }

  /** A fresh id from the emulator's sequence: deterministic for a given order of calls. */
  nextId(kind: string): string {
    return uuidFrom(`${kind}:${++this.sequence}`);
  }

  addLink(
    request: {
      institution: string;
      accessMode: "single" | "recurrent";
      externalId: string | null;
      username: string;
    },
    id = this.nextId("link"),
  ): SandboxLink {
    const institution = findInstitution(request.institution);
    if (!institution) throw new Error(`unknown institution ${request.institution}`);
    const now = this.clock.now().toISOString();
    const link: SandboxLink = {
      id,
      institution: institution.name,
      access_mode: request.accessMode,
      last_accessed_at: now,
      created_at: now,
      external_id: request.externalId,
      institution_user_id: hex32From(`${institution.name}:${request.username}`),
      status: "valid",
      created_by: uuidFrom("sandbox-user"),
      refresh_rate: request.accessMode === "recurrent" ? "7d" : null,
      credentials_storage: "store",
      fetch_resources: ["ACCOUNTS", "OWNERS", "TRANSACTIONS"],
      stale_in: null,
    };
    this.links.set(id, link);
    const accounts = accountsFor(link, institution);
    this.accountsByLink.set(id, accounts);
    for (const account of accounts) this.accounts.set(account.id, account);
    this.evictLinks();
    return link;
  }

  setLinkMfa(linkId: string, mfa: MfaKind): void {
    this.mfaByLink.set(linkId, mfa);
  }

  linkMfa(linkId: string): MfaKind | undefined {
    return this.mfaByLink.get(linkId);
  }

  link(id: string): SandboxLink | undefined {
    return this.links.get(id);
  }

  allLinks(): SandboxLink[] {
    return [...this.links.values()];
  }

  account(id: string): SandboxAccount | undefined {
    return this.accounts.get(id);
  }

  allAccounts(): SandboxAccount[] {
    return [...this.accounts.values()];
  }

  accountsOf(linkId: string): SandboxAccount[] {
    return this.accountsByLink.get(linkId) ?? [];
  }

  /** Keeps the latest retrieval of each link, as Belvo does with `save_data: true`. */
  save<K extends keyof Saved>(kind: K, linkId: string, items: Saved[K]): void {
    if (this.links.has(linkId)) this.saved[kind].set(linkId, items);
  }

  /** What retrievals saved: for one link, or for every link. */
  savedOf<K extends keyof Saved>(kind: K, linkId?: string): Saved[K] {
    const lists =
      linkId === undefined ? [...this.saved[kind].values()] : [this.saved[kind].get(linkId) ?? []];
    return lists.flat() as Saved[K];
  }

  openSession(flow: Flow, linkId: string, mfa: MfaKind, request: DataRequest | null): MfaSession {
    const session: MfaSession = {
      id: hex32From(`session:${++this.sequence}`),
      flow,
      linkId,
      mfa,
      expiresAt: this.clock.now().getTime() + SESSION_EXPIRY_SECONDS * 1000,
      request,
      permanent: false,
    };
    this.sessions.set(`${flow}:${session.id}`, session);
    for (const [key, candidate] of this.sessions) {
      if (this.sessions.size <= this.limits.maxSessions) break;
      if (!candidate.permanent) this.sessions.delete(key);
    }
    return session;
  }

  session(flow: Flow, id: string): MfaSession | undefined {
    return this.sessions.get(`${flow}:${id}`);
  }

  /** Ends a session: it was used up, or it expired. The permanent example stays. */
  closeSession(session: MfaSession): void {
    if (!session.permanent) this.sessions.delete(`${session.flow}:${session.id}`);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get linkCount(): number {
    return this.links.size;
  }

  private evictLinks(): void {
    for (const id of this.links.keys()) {
      if (this.links.size <= this.limits.maxLinks) return;
      if (id !== EXAMPLE.link) this.removeLink(id);
    }
  }

  /** Forgets a link and everything kept for it (DELETE /api/links/{id}/, or eviction). */
  removeLink(id: string): boolean {
    for (const account of this.accountsOf(id)) this.accounts.delete(account.id);
    this.accountsByLink.delete(id);
    for (const saved of Object.values(this.saved)) saved.delete(id);
    this.mfaByLink.delete(id);
    this.lives.forget(id);
    return this.links.delete(id);
  }
}
