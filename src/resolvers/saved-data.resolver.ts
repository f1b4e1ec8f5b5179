/**
 * What Belvo saved, page by page (contract section 6): Relay connections over Belvo's
 * `page` / `page_size` lists, Belvo's filters passed through. Every argument is checked, and a
 * cursor opened, before anything is sent to Belvo.
 */
import { Arg, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { InputError } from "../errors.js";
import type { Walk } from "../pages/cursors.js";
import {
  AccountConnection,
  LinkConnection,
  OwnerConnection,
  PageInfo,
  TransactionConnection,
} from "../types/connection.type.js";
import { LinkStatus } from "../types/enums.js";
import { Institution } from "../types/institution.type.js";
import { DateScalar } from "../types/scalars.js";
import {
  ACCOUNT_DECIMAL_KEYS,
  TRANSACTION_DECIMAL_KEYS,
  toAccount,
  toOwner,
  toTransaction,
} from "../upstream/data-mapping.js";
import { toLink } from "../upstream/mapping.js";
import { MAX_PAGE_SIZE, type Page } from "../upstream/pages.js";
import { checkUuid } from "../validation.js";

const DEFAULT_FIRST = 100;
const FIRST = {
  nullable: true,
  defaultValue: DEFAULT_FIRST,
  description: "Items in the page, 1 to 1000 (Belvo's largest page).",
} as const;
const AFTER = {
  nullable: true,
  description: "An endCursor (or an edge's cursor) of this query with the same arguments.",
} as const;

/** The window a walk asks for: `first` items after the cursor's item (or from the start). */
function windowOf(
  context: Context,
  walk: Walk,
  given: number | null,
  after: string | null | undefined,
) {
  // An explicit null means the default, as leaving `first` out does.
  const first = given ?? DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new InputError("first", `expected a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const start = after === null || after === undefined ? 0 : context.cursors.open(walk, after) + 1;
  return { start, first };
}

/** A page as a connection: each item with its cursor; an unreadable one an error at its node. */
function connectionOf<T>(context: Context, walk: Walk, page: Page<T>) {
  const { items } = page;
  // A page's items are contiguous: one seal covers them all (pages/cursors.ts).
  const first = items[0]?.position ?? 0;
  const seal = context.cursors.sealer(walk, first, items.at(-1)?.position ?? first);
  const edges = items.map(({ position, value }) => ({
    cursor: seal(position),
    node: value,
  }));
  const pageInfo: PageInfo = {
    hasNextPage: page.hasNextPage,
    endCursor: page.foreignNext ?? edges.at(-1)?.cursor ?? null,
  };
  return { edges, pageInfo, totalCount: page.count };
}

/** Belvo's institution codes: letters, digits, `_` and `-`. */
const INSTITUTION_NAME = /^[A-Za-z0-9_-]{1,100}$/;

@Resolver()
export class SavedDataResolver {
  @Query(() => LinkConnection, {
    description: "The app's links, a page at a time (GET /api/links/).",
  })
  async links(
    @Arg("first", () => Int, FIRST) first: number | null,
    @Arg("after", () => String, AFTER) after: string | null,
    @Arg("institution", () => String, { nullable: true }) institution: string | null,
    @Arg("status", () => LinkStatus, { nullable: true }) status: LinkStatus | null,
    @Ctx() context: Context,
  ): Promise<LinkConnection> {
    if (institution != null && !INSTITUTION_NAME.test(institution)) {
      throw new InputError(
        "institution",
        "expected Belvo's institution code, e.g. erebor_mx_retail.",
      );
    }
    const walk: Walk = ["links", institution, status];
    const window = windowOf(context, walk, first, after);
    const filters = new URLSearchParams();
    if (institution != null) filters.set("institution", institution);
    if (status != null) filters.set("status", status.toLowerCase());
    const page = await context.belvo.page("/api/links/", filters, window, [], toLink);
    return connectionOf(context, walk, page);
  }

  @Query(() => AccountConnection, {
    description: "A link's accounts, a page at a time (GET /api/accounts/?link=).",
  })
  async accounts(
    @Arg("link", () => ID) link: string,
    @Arg("first", () => Int, FIRST) first: number | null,
    @Arg("after", () => String, AFTER) after: string | null,
    @Ctx() context: Context,
  ): Promise<AccountConnection> {
    checkUuid("link", link);
    const walk: Walk = ["accounts", link];
    const window = windowOf(context, walk, first, after);
    const filters = new URLSearchParams({ link });
    const read = (item: Parameters<typeof toAccount>[0]) => toAccount(item);
    const page = await context.belvo.page(
      "/api/accounts/",
      filters,
      window,
      ACCOUNT_DECIMAL_KEYS,
      read,
    );
    return connectionOf(context, walk, page);
  }

  @Query(() => TransactionConnection, {
    description:
      "A link's transactions, a page at a time (GET /api/transactions/?link=&account=&value_date__range=). dateFrom/dateTo bound valueDate, inclusive.",
  })
  async transactions(
    @Arg("link", () => ID) link: string,
    @Arg("account", () => ID, { nullable: true }) account: string | null,
    @Arg("dateFrom", () => DateScalar, { nullable: true }) dateFrom: string | null,
    @Arg("dateTo", () => DateScalar, { nullable: true }) dateTo: string | null,
    @Arg("first", () => Int, FIRST) first: number | null,
    @Arg("after", () => String, AFTER) after: string | null,
    @Ctx() context: Context,
  ): Promise<TransactionConnection> {
    checkUuid("link", link);
    if (account != null) checkUuid("account", account);
    if (dateFrom && dateTo && dateFrom > dateTo) {
      throw new InputError("dateTo", "must be on or after dateFrom.");
    }
    const walk: Walk = ["transactions", link, account, dateFrom, dateTo];
    const window = windowOf(context, walk, first, after);
    const page = await context.belvo.page(
      "/api/transactions/",
      transactionFilters(link, account, dateFrom, dateTo),
      window,
      TRANSACTION_DECIMAL_KEYS,
      (item) => toTransaction(item),
    );
    return connectionOf(context, walk, page);
  }

  @Query(() => OwnerConnection, {
    description: "A link's owners, a page at a time (GET /api/owners/?link=).",
  })
  async owners(
    @Arg("link", () => ID) link: string,
    @Arg("first", () => Int, FIRST) first: number | null,
    @Arg("after", () => String, AFTER) after: string | null,
    @Ctx() context: Context,
  ): Promise<OwnerConnection> {
    checkUuid("link", link);
    const walk: Walk = ["owners", link];
    const window = windowOf(context, walk, first, after);
    const filters = new URLSearchParams({ link });
    const page = await context.belvo.page("/api/owners/", filters, window, [], (item) =>
      toOwner(item),
    );
    return connectionOf(context, walk, page);
  }

  @Query(() => Institution, {
    nullable: true,
    description:
      "One institution by its code (GET /api/institutions/?name__in=…, batched with the operation's other institutions); null when Belvo knows none.",
  })
  institution(
    @Arg("name", () => String) name: string,
    @Ctx() { loaders }: Context,
  ): Promise<Institution | null> {
    if (!INSTITUTION_NAME.test(name)) {
      throw new InputError("name", "expected Belvo's institution code, e.g. erebor_mx_retail.");
    }
    return loaders.institution.load(name);
  }
}

/** Belvo's filters: `value_date__range` when both dates are given, else the bound given. */
function transactionFilters(
  link: string,
  account: string | null,
  dateFrom: string | null,
  dateTo: string | null,
): URLSearchParams {
  const filters = new URLSearchParams({ link });
  if (account != null) filters.set("account", account);
  if (dateFrom && dateTo) filters.set("value_date__range", `${dateFrom},${dateTo}`);
  else if (dateFrom) filters.set("value_date__gte", dateFrom);
  else if (dateTo) filters.set("value_date__lte", dateTo);
  return filters;
}
