/** Inputs Belvo accepts and fields it answers, none dropped on the way (issue 15, 4–5). */
import {
  ACCOUNT_BODY,
  LINK_BODY,
  LINK_ID,
  TEST_REQUEST_ID,
  resumeInput,
} from "./helpers/fixtures.js";
import { resumeData } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";
import { unreadableItem } from "./helpers/outcomes.js";

const REGISTER = `mutation Register($input: RegisterLinkInput!) {
  registerLink(input: $input) {
    __typename
    ... on Link { id institutionUserId credentialsStorage fetchResources staleIn }
  }
}`;

const kit = useGateway({ upstream: "fake" });

const LOGIN = { institution: "erebor_br_retail", username: "ana.lopez", password: "pass_valid" };

describe("registerLink", () => {
  it("sends username3, fetch_resources, stale_in, certificate and private_key", async () => {
    kit.fake.reply({
      status: 201,
      body: { ...LINK_BODY, fetch_resources: ["ACCOUNTS", "OWNERS"], stale_in: "365d" },
    });
    const { body } = await kit.post(REGISTER, {
      input: {
        ...LOGIN,
        username3: "agency-0444",
        fetchResources: ["ACCOUNTS", "OWNERS"],
        staleIn: "365d",
        certificate: "Y2VydA==",
        privateKey: "a2V5",
      },
    });
    expect(kit.fake.requests[0]?.body).toEqual({
      ...LOGIN,
      username3: "agency-0444",
      fetch_resources: ["ACCOUNTS", "OWNERS"],
      stale_in: "365d",
      certificate: "Y2VydA==",
      private_key: "a2V5",
    });
    expect(body).toEqual({
      data: {
        registerLink: {
          __typename: "Link",
          id: LINK_ID,
          institutionUserId: "aGVsbG8=",
          credentialsStorage: "store",
          fetchResources: ["ACCOUNTS", "OWNERS"],
          staleIn: "365d",
        },
      },
    });
  });

  it.each([
    [{ certificate: "Y2VydA==" }, "input.privateKey"],
    [{ privateKey: "a2V5" }, "input.certificate"],
    [{ certificate: "not base64!", privateKey: "a2V5" }, "input.certificate"],
    [{ staleIn: "forever" }, "input.staleIn"],
    [{ fetchResources: ["accounts; drop"] }, "input.fetchResources"],
    [{ username3: "" }, "input.username3"],
  ])("%j is refused before any upstream call (%s)", async (change, field) => {
    const { body } = await kit.post(REGISTER, { input: { ...LOGIN, ...change } });
    expect(body).toMatchObject({
      data: null,
      errors: [{ extensions: { code: "BAD_USER_INPUT", field, requestId: TEST_REQUEST_ID } }],
    });
    expect(kit.fake.requests).toHaveLength(0);
  });
});

/** An institution with every field Belvo documents, as Belvo sends it. */
const BANCOLOMBIA = {
  id: 1003,
  name: "bancolombia_co_retail",
  type: "bank",
  display_name: "Bancolombia",
  country_codes: ["CO"],
  logo: null,
  icon_logo: "https://cdn.example/icon.svg",
  text_logo: "https://cdn.example/text.svg",
  form_fields: [
    {
      name: "username_type",
      type: "select",
      label: "Document",
      values: [
        {
          code: "001",
          label: "Cédula de Ciudadanía",
          validation: "^[0-9]{6,10}$",
          validation_message: "Invalid document",
          placeholder: "123456",
        },
      ],
    },
    { name: "password", type: "password", label: "Clave", validation: "^.{4}$" },
  ],
  features: [{ name: "token_required", description: "Asks for a token" }],
  resources: ["ACCOUNTS", "OWNERS"],
  integration_type: "credentials",
  status: "healthy",
};

/** BANCOLOMBIA as the gateway serves it. */
const BANCOLOMBIA_SERVED = [
  {
    name: "bancolombia_co_retail",
    logo: null,
    iconLogo: "https://cdn.example/icon.svg",
    textLogo: "https://cdn.example/text.svg",
    integrationType: "credentials",
    resources: ["ACCOUNTS", "OWNERS"],
    features: [{ name: "token_required", description: "Asks for a token" }],
    formFields: [
      {
        name: "username_type",
        type: "select",
        label: "Document",
        validation: null,
        validationMessage: null,
        placeholder: null,
        values: [
          {
            code: "001",
            label: "Cédula de Ciudadanía",
            validation: "^[0-9]{6,10}$",
            validationMessage: "Invalid document",
            placeholder: "123456",
          },
        ],
      },
      {
        name: "password",
        type: "password",
        label: "Clave",
        validation: "^.{4}$",
        validationMessage: null,
        placeholder: null,
        values: null,
      },
    ],
  },
];

describe("institutions", () => {
  it("serve form fields, features, resources, logos and integration type", async () => {
    kit.fake.reply({
      status: 200,
      body: {
        count: 1,
        next: null,
        previous: null,
        results: [BANCOLOMBIA],
      },
    });
    const { body } =
      await kit.post(`{ institutions { name logo iconLogo textLogo integrationType resources
         features { name description }
         formFields { name type label validation validationMessage placeholder
           values { code label validation validationMessage placeholder } } } }`);
    expect(body).toEqual({
      data: {
        institutions: BANCOLOMBIA_SERVED,
      },
    });
  });
});

/** An account with credit, loan, funds and receivables data, as Belvo sends it. */
const FULL_ACCOUNT = {
  ...ACCOUNT_BODY,
  collected_at: "2026-01-15T09:58:11Z",
  created_at: "2026-01-15T09:58:12Z",
  last_accessed_at: null,
  credit_data: {
    credit_limit: 1.5,
    cutting_date: "2026-01-11",
    next_payment_date: "2026-01-28",
    minimum_payment: 100.5,
    no_interest_payment: 900,
    interest_rate: 41.9,
    collected_at: "2026-01-15T09:58:11Z",
  },
  loan_data: {
    contract_amount: 20000,
    principal: 18000.25,
    loan_type: "Consignado",
    payment_day: "27",
    outstanding_principal: 1000,
    outstanding_balance: 1200.1,
    monthly_payment: 300,
    interest_rates: [{ name: "jurosEfetivo", type: "YEARLY", value: 7.85 }],
    fees: [{ type: "OPERATION_FEE", value: 1.5 }],
    number_of_installments_total: 36,
    number_of_installments_outstanding: 4,
    contract_start_date: "2024-01-01",
    contract_end_date: "2027-01-01",
    contract_number: "C-1",
    collected_at: "2026-01-15T09:58:11Z",
  },
  funds_data: [
    {
      name: "PGBL Fund",
      type: "PGBL",
      public_identifications: [{ name: "CNPJ", value: "00.000.000/0001-00" }],
      balance: 5000.01,
      percentage: 12.5,
    },
  ],
  receivables_data: {
    current: 300.75,
    available: 200.5,
    anticipated: 100.25,
    collected_at: "2026-01-15T09:58:13Z",
  },
};

/** FULL_ACCOUNT as the gateway serves it: amounts exact, as Decimal strings. */
const FULL_ACCOUNT_SERVED = {
  collectedAt: "2026-01-15T09:58:11Z",
  createdAt: "2026-01-15T09:58:12Z",
  lastAccessedAt: null,
  receivablesData: {
    current: "300.75",
    available: "200.5",
    anticipated: "100.250",
    collectedAt: "2026-01-15T09:58:13Z",
  },
  creditData: {
    creditLimit: "12345678901234567.89",
    cuttingDate: "2026-01-11",
    nextPaymentDate: "2026-01-28",
    minimumPayment: "100.5",
    noInterestPayment: "900",
    interestRate: "41.9",
    collectedAt: "2026-01-15T09:58:11Z",
  },
  loanData: {
    contractAmount: "20000",
    principal: "18000.25",
    loanType: "Consignado",
    paymentDay: "27",
    outstandingPrincipal: "1000",
    outstandingBalance: "1200.1",
    monthlyPayment: "300",
    interestRates: [{ name: "jurosEfetivo", type: "YEARLY", value: "7.85" }],
    fees: [{ type: "OPERATION_FEE", value: "1.5" }],
    numberOfInstallmentsTotal: 36,
    numberOfInstallmentsOutstanding: 4,
    contractStartDate: "2024-01-01",
    contractEndDate: "2027-01-01",
    contractNumber: "C-1",
    collectedAt: "2026-01-15T09:58:11Z",
  },
  fundsData: [
    {
      name: "PGBL Fund",
      type: "PGBL",
      publicIdentifications: [{ name: "CNPJ", value: "00.000.000/0001-00" }],
      balance: "5000.01",
      percentage: "12.5",
    },
  ],
};

/** resumeAccounts answering one account whose loan_data.fees Belvo sent as `fees`. */
async function withFees(fees: unknown[]) {
  kit.fake.reply({ status: 201, body: [{ ...ACCOUNT_BODY, loan_data: { fees } }] });
  const { body } = await kit.post(
    resumeData("Accounts", "AccountList", "accounts { id loanData { fees { type value } } }"),
    { input: resumeInput(null) },
  );
  return body;
}

/** The account served with `fees`. */
const withFeesServed = (fees: unknown[]) => ({
  resumeAccounts: {
    __typename: "AccountList",
    saved: true,
    accounts: [{ id: ACCOUNT_BODY.id, loanData: { fees } }],
  },
});

describe("accounts", () => {
  it("serve credit, loan, funds and receivables data and their dates, amounts exact", async () => {
    const account = FULL_ACCOUNT;
    const text = JSON.stringify([{ id: "b1", account, value_date: "2026-01-14", balance: 1 }])
      .replace('"credit_limit":1.5', '"credit_limit":12345678901234567.89')
      .replace('"anticipated":100.25', '"anticipated":100.250');
    kit.fake.reply({ status: 201, text, headers: { "content-type": "application/json" } });
    const { body } = await kit.post(
      `mutation R($input: ResumeBalancesInput!) { resumeBalances(input: $input) {
        ... on BalanceList { balances { account {
          collectedAt createdAt lastAccessedAt receivablesData { current available anticipated collectedAt }
          creditData { creditLimit cuttingDate nextPaymentDate minimumPayment noInterestPayment interestRate collectedAt }
          loanData { contractAmount principal loanType paymentDay outstandingPrincipal outstandingBalance monthlyPayment
            interestRates { name type value } fees { type value }
            numberOfInstallmentsTotal numberOfInstallmentsOutstanding contractStartDate contractEndDate contractNumber collectedAt }
          fundsData { name type publicIdentifications { name value } balance percentage }
        } } } } }`,
      { input: resumeInput(null) },
    );
    expect(body).toEqual({
      data: {
        resumeBalances: {
          balances: [
            {
              account: FULL_ACCOUNT_SERVED,
            },
          ],
        },
      },
    });
  });

  it("a null loan fee (Belvo's spec allows it) is served null, the account delivered", async () => {
    const body = await withFees([null, { type: "OTHERS", value: 1 }]);
    expect(body).toEqual({ data: withFeesServed([null, { type: "OTHERS", value: "1" }]) });
  });

  it("a garbled loan fee is an error at its path, the account and other fees delivered", async () => {
    const body = await withFees([{ type: "OTHERS", value: 1 }, "garbled"]);
    expect(body).toEqual({
      data: withFeesServed([{ type: "OTHERS", value: "1" }, null]),
      errors: [
        unreadableItem(
          ["resumeAccounts", "accounts", 0, "loanData", "fees", 1],
          'an item of "fees" is not an object',
          201,
        ),
      ],
    });
  });
});
