import DataLoader from "dataloader";
import type { Account } from "./types/account.type.js";
import type { Institution } from "./types/institution.type.js";
import type { Link } from "./types/link.type.js";
import { MAX_KEYS_PER_LIST, type BelvoClient } from "./upstream/belvo.js";

/**
 * One set per request: each batches every key asked for in the operation into one list call. A
 * key whose item Belvo sent garbled rejects with an error, served at the path that asked for it.
 */
export interface Loaders {
  institution: DataLoader<string, Institution | null>;
  account: DataLoader<string, Account | null>;
  link: DataLoader<string, Link | null>;
  /** A link's accounts (Link.accounts). */
  accountsOfLink: DataLoader<string, (Account | Error)[]>;
}

const OPTIONS = { maxBatchSize: MAX_KEYS_PER_LIST };

/**
 * Each loader is made on first use: most operations need none. A class, so that a request pays
 * for one small object (an object literal of getters builds four accessors and closures each time).
 */
class RequestLoaders implements Loaders {
  private institutionLoader: Loaders["institution"] | undefined;
  private accountLoader: Loaders["account"] | undefined;
  private linkLoader: Loaders["link"] | undefined;
  private accountsOfLinkLoader: Loaders["accountsOfLink"] | undefined;

  constructor(private readonly belvo: BelvoClient) {}

  get institution(): Loaders["institution"] {
    return (this.institutionLoader ??= new DataLoader<string, Institution | null>(
      (names) => this.belvo.institutionsByName(names),
      OPTIONS,
    ));
  }

  get account(): Loaders["account"] {
    return (this.accountLoader ??= new DataLoader<string, Account | null>(
      (ids) => this.belvo.accountsById(ids),
      OPTIONS,
    ));
  }

  get link(): Loaders["link"] {
    return (this.linkLoader ??= new DataLoader<string, Link | null>(
      (ids) => this.belvo.linksById(ids),
      OPTIONS,
    ));
  }

  get accountsOfLink(): Loaders["accountsOfLink"] {
    return (this.accountsOfLinkLoader ??= new DataLoader(
      (ids) => this.belvo.accountsByLink(ids),
      OPTIONS,
    ));
  }
}

export function createLoaders(belvo: BelvoClient): Loaders {
  return new RequestLoaders(belvo);
}
