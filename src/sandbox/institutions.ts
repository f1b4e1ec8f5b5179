/** The sandbox's institutions, as Belvo's sandbox names them. */

export interface SandboxInstitution {
  id: number;
  name: string;
  type: "bank";
  display_name: string;
  website: string;
  country_codes: string[];
  primary_color: string;
  logo: string;
  icon_logo: string;
  text_logo: string;
  form_fields: {
    name: string;
    type: string;
    label: string;
    validation: string;
    placeholder: string;
  }[];
  features: { name: string; description: string }[];
  status: "healthy" | "down";
  integration_type: "credentials";
  /** Not sent: whether logins on it ask for a second factor. */
  requiresMfa: boolean;
  /** Not sent: the currency of its accounts. */
  currency: string;
}

const COUNTRIES = [
  { code: "mx", upper: "MX", currency: "MXN", label: "Mexico" },
  { code: "co", upper: "CO", currency: "COP", label: "Colombia" },
  { code: "br", upper: "BR", currency: "BRL", label: "Brazil" },
] as const;

const BRANDS = [
  { base: "erebor", segment: "retail", display: "Erebor", color: "#056dae", mfa: false },
  { base: "gringotts", segment: "retail", display: "Gringotts", color: "#8a6d3b", mfa: false },
  { base: "heimdall", segment: "retail", display: "Heimdall", color: "#1b1f3b", mfa: true },
  { base: "gotham", segment: "business", display: "Gotham Business", color: "#2d2d2d", mfa: true },
] as const;

const FORM_FIELDS = [
  {
    name: "username",
    type: "text",
    label: "Username",
    validation: "^.{1,}$",
    placeholder: "user_valid",
  },
  {
    name: "password",
    type: "password",
    label: "Password",
    validation: "^.{1,}$",
    placeholder: "pass_valid",
  },
];

export const INSTITUTIONS: readonly SandboxInstitution[] = BRANDS.flatMap((brand, brandIndex) =>
  COUNTRIES.map((country, countryIndex) => {
    const name = `${brand.base}_${country.code}_${brand.segment}`;
    return {
      id: 100 + brandIndex * 10 + countryIndex,
      name,
      type: "bank" as const,
      display_name: `${brand.display} ${country.label}`,
      website: `https://www.${brand.base}.example`,
      country_codes: [country.upper],
      primary_color: brand.color,
      logo: `https://statics.belvo.example/institutions/${name}/logo.svg`,
      icon_logo: `https://statics.belvo.example/institutions/${name}/icon.svg`,
      text_logo: `https://statics.belvo.example/institutions/${name}/text.svg`,
      form_fields: FORM_FIELDS,
      features: brand.mfa
        ? [{ name: "token_required", description: "A second factor is asked at login." }]
        : [],
      status: "healthy" as const,
      integration_type: "credentials" as const,
      requiresMfa: brand.mfa,
      currency: country.currency,
    };
  }),
);

const BY_NAME = new Map(INSTITUTIONS.map((institution) => [institution.name, institution]));

export function findInstitution(name: string): SandboxInstitution | undefined {
  return BY_NAME.get(name);
}

/** The public view of an institution: without the sandbox's private fields. */
export function publicInstitution({
  requiresMfa: _mfa,
  currency: _currency,
  ...rest
}: SandboxInstitution) {
  return rest;
}
