import { AccessMode, LinkStatus } from "./enums.js";
import {
  choice,
  dateTime,
  given,
  id,
  nullableId,
  objectType,
  required,
  strings,
  text,
} from "./fields.js";
import { Institution } from "./institution.type.js";

export const Link = objectType(
  "Link",
  "A set of credentials Belvo uses to access one institution.",
  {
    id: id(),
    institution: required(given<Institution>(() => Institution)),
    accessMode: choice(AccessMode),
    status: required(given<LinkStatus>(() => LinkStatus)),
    lastAccessedAt: dateTime(),
    createdAt: dateTime(),
    createdBy: nullableId(),
    externalId: text(),
    refreshRate: text(
      'How often Belvo refreshes the link: "6h", "12h", "24h", "7d", "30d", or null.',
    ),
    institutionUserId: text("Belvo's id for this user at this institution: spots duplicate links."),
    credentialsStorage: text("e.g. `store`, `nostore`, `30d`."),
    fetchResources: strings("Resources Belvo loads for the link in the background, e.g. ACCOUNTS."),
    staleIn: text("How long Belvo keeps the data, e.g. `365d`."),
  },
);
export type Link = InstanceType<typeof Link>;
