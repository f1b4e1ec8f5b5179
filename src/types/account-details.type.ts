import { decimal, dateTime, int, many, manyNullable, objectType, text } from "./fields.js";

// Every field nullable: Belvo's API reference marks them so (or leaves them out of examples).

export const CreditData = objectType(
  "CreditData",
  "A credit card's details (Belvo's `credit_data`).",
  {
    creditLimit: decimal(),
    cuttingDate: text("Billing-period close date, as given."),
    nextPaymentDate: text("YYYY-MM-DD, as given."),
    minimumPayment: decimal(),
    noInterestPayment: decimal("To pay to avoid interest."),
    interestRate: decimal("Annualized."),
    collectedAt: dateTime(),
  },
);

export const LoanInterestRate = objectType("LoanInterestRate", "One interest rate of a loan.", {
  name: text(),
  type: text("MONTHLY or YEARLY."),
  value: decimal(),
});

export const LoanFee = objectType("LoanFee", "One fee of a loan.", {
  type: text("OPERATION_FEE, INSURANCE_FEE or OTHERS."),
  value: decimal(),
});

export const LoanData = objectType("LoanData", "A loan's details (Belvo's `loan_data`).", {
  contractAmount: decimal(),
  contractStartDate: text(),
  contractEndDate: text(),
  contractNumber: text(),
  principal: decimal(),
  loanType: text(),
  paymentDay: text("Day of the month, e.g. `27`."),
  outstandingPrincipal: decimal(),
  interestRates: many(LoanInterestRate),
  outstandingBalance: decimal(),
  fees: manyNullable(LoanFee, "An item is null where Belvo sends null (its spec allows it)."),
  monthlyPayment: decimal(),
  numberOfInstallmentsTotal: int(),
  numberOfInstallmentsOutstanding: int(),
  collectedAt: dateTime(),
});

export const FundIdentification = objectType(
  "FundIdentification",
  "A public identification of a fund (e.g. CNPJ, SUSEP).",
  { name: text(), value: text() },
);

export const FundsData = objectType(
  "FundsData",
  "One pension fund (an item of Belvo's `funds_data`).",
  {
    name: text(),
    type: text("e.g. PGBL."),
    publicIdentifications: many(FundIdentification),
    balance: decimal(),
    percentage: decimal("Share of the pension total."),
  },
);

export const ReceivablesData = objectType(
  "ReceivablesData",
  "A receivables account's details (Belvo's `receivables_data`).",
  {
    current: decimal("available + anticipated."),
    available: decimal(),
    anticipated: decimal(),
    collectedAt: dateTime(),
  },
);
