/**
 * Relay connections over Belvo's saved lists (contract section 6): one page of items, each with
 * its cursor, Belvo's `count`, and where the walk goes on. A node Belvo sent that cannot be read
 * is an error at its path (the node is null); the rest of the page is served.
 */
import { Field, Int, ObjectType } from "type-graphql";
import { Account } from "./account.type.js";
import { Link } from "./link.type.js";
import { Owner } from "./owner.type.js";
import { Transaction } from "./transaction.type.js";

@ObjectType("PageInfo", { description: "Where a walk through a connection goes on." })
export class PageInfo {
  @Field(() => Boolean, { description: "True while Belvo lists more items after this page." })
  hasNextPage!: boolean;

  /**
   * Null when the page is empty. Served as an error (null at its path) when Belvo's `next`
   * pointed off Belvo's host: the walk ends there.
   */
  @Field(() => String, {
    nullable: true,
    description:
      "Pass it as `after` (with the same arguments) for the next page; null when the page is empty.",
  })
  endCursor!: string | null | Error;
}

@ObjectType("TransactionEdge", { description: "One transaction of a page, with its cursor." })
export class TransactionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Transaction, {
    nullable: true,
    description: "Null (with an error) when unreadable.",
  })
  node!: Transaction | Error;
}

@ObjectType("TransactionConnection", { description: "A page of the transactions Belvo saved." })
export class TransactionConnection {
  @Field(() => [TransactionEdge])
  edges!: TransactionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many Belvo lists for these arguments (its `count`)." })
  totalCount!: number;
}

@ObjectType("AccountEdge", { description: "One account of a page, with its cursor." })
export class AccountEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Account, { nullable: true, description: "Null (with an error) when unreadable." })
  node!: Account | Error;
}

@ObjectType("AccountConnection", { description: "A page of the accounts Belvo saved." })
export class AccountConnection {
  @Field(() => [AccountEdge])
  edges!: AccountEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many Belvo lists for these arguments (its `count`)." })
  totalCount!: number;
}

@ObjectType("OwnerEdge", { description: "One owner of a page, with its cursor." })
export class OwnerEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Owner, { nullable: true, description: "Null (with an error) when unreadable." })
  node!: Owner | Error;
}

@ObjectType("OwnerConnection", { description: "A page of the owners Belvo saved." })
export class OwnerConnection {
  @Field(() => [OwnerEdge])
  edges!: OwnerEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many Belvo lists for these arguments (its `count`)." })
  totalCount!: number;
}

@ObjectType("LinkEdge", { description: "One link of a page, with its cursor." })
export class LinkEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Link, { nullable: true, description: "Null (with an error) when unreadable." })
  node!: Link | Error;
}

@ObjectType("LinkConnection", { description: "A page of the links Belvo keeps for this app." })
export class LinkConnection {
  @Field(() => [LinkEdge])
  edges!: LinkEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many Belvo lists for these arguments (its `count`)." })
  totalCount!: number;
}
