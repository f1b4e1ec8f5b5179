import { Resolver } from "type-graphql";
import { TransactionList } from "../types/transaction.type.js";
import { TRANSACTION_STEPS } from "../types/retrieval.type.js";
import { TRANSACTIONS } from "../upstream/resources.js";
import { datedRequest, retrievable } from "./mfa-step.js";

@Resolver(() => TransactionList)
export class TransactionResolver extends retrievable(
  TRANSACTIONS,
  TRANSACTION_STEPS,
  datedRequest,
) {}
