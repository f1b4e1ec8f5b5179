/**
 * What the emulator keeps of each link's life after its first login: the login it was made with,
 * its last refresh (for Belvo's cooldown), a status it turns to later, and who is told when a
 * refresh completes (the hook the emulator's webhooks hang from).
 */

/** Belvo's cooldown between two refreshes of one link. */
export const REFRESH_COOLDOWN_MS = 10 * 60_000;

export type LaterStatus = "invalid" | "token_required";

/**
 * Logins whose links are VALID at first and turn INVALID (the bank password changed) or
 * TOKEN_REQUIRED (the bank asks for a token again) at their first refresh, so that reconnecting
 * (updateLink) can be tried. Any institution; the same password reconnects them.
 */
export const LATER_LOGINS: Record<string, { password: string; later: LaterStatus }> = {
  user_password_changes: { password: "pass_valid", later: "invalid" },
  user_token_again: { password: "pass_valid", later: "token_required" },
};

/** A refresh the emulator completed: told to `onRefreshComplete` once its 202 was sent. */
export interface RefreshCompleted {
  link: string;
  /** The refresh's `request_id`, as its 202 gave it. */
  requestId: string;
  /** `fetch_resources` as sent, or null for Belvo's default. */
  resources: readonly string[] | null;
  /** The link's status once the refresh completed (a LATER_LOGINS link has turned). */
  status: string;
  externalId: string | null;
}

interface Life {
  username: string;
  password: string;
  /** Still to come at the next refresh; cleared once it happened. */
  later: LaterStatus | null;
  lastRefreshAt: number | null;
}

export class LinkLives {
  private readonly lives = new Map<string, Life>();
  /** Belvo's cooldown between two refreshes of one link (a setting: tests make it short). */
  cooldownMs = REFRESH_COOLDOWN_MS;
  /**
   * Called once a refresh completed (after its 202 was sent). Must not throw; an error is
   * ignored. The emulator's webhooks (issue 27) are sent from here.
   */
  onRefreshComplete: ((event: RefreshCompleted) => void) | undefined;

  registered(link: string, username: string, password: string): void {
    const later = LATER_LOGINS[username];
    this.lives.set(link, {
      username,
      password,
      later: later && later.password === password ? later.later : null,
      lastRefreshAt: null,
    });
  }

  /** The password the link was made with; null for a link the emulator made itself. */
  password(link: string): string | null {
    return this.lives.get(link)?.password ?? null;
  }

  /** Milliseconds before the link may be refreshed again (0: now). */
  cooldownLeft(link: string, now: number): number {
    const last = this.lives.get(link)?.lastRefreshAt ?? null;
    return last === null ? 0 : Math.max(0, last + this.cooldownMs - now);
  }

  /** A refresh starts now: the status the link turns to, once (null: it stays as it is). */
  refreshed(link: string, now: number): LaterStatus | null {
    let life = this.lives.get(link);
    if (!life)
      this.lives.set(
        link,
        (life = { username: "", password: "", later: null, lastRefreshAt: null }),
      );
    life.lastRefreshAt = now;
    const later = life.later;
    life.later = null;
    return later;
  }

  /** Tells the hook, if any; nothing it does reaches the caller of the refresh. */
  completed(event: RefreshCompleted): void {
    try {
      this.onRefreshComplete?.(event);
    } catch {
      // The 202 was sent: a failing listener changes nothing for the caller.
    }
  }

  forget(link: string): void {
    this.lives.delete(link);
  }
}
