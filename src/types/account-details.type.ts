import { Field, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "./scalars.js";

// Every field nullable: Belvo's API reference marks them so (or leaves them out of examples).

@ObjectType({ description: "A credit card's details (Belvo's `credit_data`)." })
export class CreditData {
  @Field(() => DecimalScalar, { nullable: true })
  creditLimit!: string | null;

  @Field(() => String, { nullable: true, description: "Billing-period close date, as given." })
  cuttingDate!: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD, as given." })
  nextPaymentDate!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  minimumPayment!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "To pay to avoid interest." })
  noInterestPayment!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Annualized." })
  interestRate!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null;
}

@ObjectType({ description: "One interest rate of a loan." })
export class LoanInterestRate {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "MONTHLY or YEARLY." })
  type!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  value!: string | null;
}

@ObjectType({ description: "One fee of a loan." })
export class LoanFee {
  @Field(() => String, { nullable: true, description: "OPERATION_FEE, INSURANCE_FEE or OTHERS." })
  type!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  value!: string | null;
}

@ObjectType({ description: "A loan's details (Belvo's `loan_data`)." })
export class LoanData {
  @Field(() => DecimalScalar, { nullable: true })
  contractAmount!: string | null;

  @Field(() => String, { nullable: true })
  contractStartDate!: string | null;

  @Field(() => String, { nullable: true })
  contractEndDate!: string | null;

  @Field(() => String, { nullable: true })
  contractNumber!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  principal!: string | null;

  @Field(() => String, { nullable: true })
  loanType!: string | null;

  @Field(() => String, { nullable: true, description: "Day of the month, e.g. `27`." })
  paymentDay!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  outstandingPrincipal!: string | null;

  @Field(() => [LoanInterestRate], { nullable: true })
  interestRates!: LoanInterestRate[] | null;

  @Field(() => DecimalScalar, { nullable: true })
  outstandingBalance!: string | null;

  /** A fee that cannot be read is an error at its path (upstream/read.ts `manyNullable`). */
  @Field(() => [LoanFee], {
    nullable: "itemsAndList",
    description: "An item is null where Belvo sends null (its spec allows it).",
  })
  fees!: (LoanFee | null | Error)[] | null;

  @Field(() => DecimalScalar, { nullable: true })
  monthlyPayment!: string | null;

  @Field(() => Int, { nullable: true })
  numberOfInstallmentsTotal!: number | null;

  @Field(() => Int, { nullable: true })
  numberOfInstallmentsOutstanding!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null;
}

@ObjectType({ description: "A public identification of a fund (e.g. CNPJ, SUSEP)." })
export class FundIdentification {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  value!: string | null;
}

@ObjectType({ description: "One pension fund (an item of Belvo's `funds_data`)." })
export class FundsData {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. PGBL." })
  type!: string | null;

  @Field(() => [FundIdentification], { nullable: true })
  publicIdentifications!: FundIdentification[] | null;

  @Field(() => DecimalScalar, { nullable: true })
  balance!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Share of the pension total." })
  percentage!: string | null;
}

@ObjectType({ description: "A receivables account's details (Belvo's `receivables_data`)." })
export class ReceivablesData {
  @Field(() => DecimalScalar, { nullable: true, description: "available + anticipated." })
  current!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  available!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  anticipated!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null;
}
