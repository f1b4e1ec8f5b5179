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

/** Each loader is made on first use: most operations need none. */
export function createLoaders(belvo: BelvoClient): Loaders {
  const options = { maxBatchSize: MAX_KEYS_PER_LIST };
  let institution: Loaders["institution"] | undefined;
  let account: Loaders["account"] | undefined;
  let link: Loaders["link"] | undefined;
  let accountsOfLink: Loaders["accountsOfLink"] | undefined;
  return {
    get institution() {
      return (institution ??= new DataLoader<string, Institution | null>(
        (names) => belvo.institutionsByName(names),
        options,
      ));
    },
    get account() {
      return (account ??= new DataLoader<string, Account | null>(
        (ids) => belvo.accountsById(ids),
        options,
      ));
    },
    get link() {
      return (link ??= new DataLoader<string, Link | null>((ids) => belvo.linksById(ids), options));
    },
    get accountsOfLink() {
      return (accountsOfLink ??= new DataLoader((ids) => belvo.accountsByLink(ids), options));
    },
  };
}
