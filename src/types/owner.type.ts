import { id, listType, readAndStored, objectType, one, text } from "./fields.js";

export const OwnerDocument = objectType(
  "OwnerDocument",
  "An identity document, e.g. CPF, CURP, CC.",
  { documentType: text(), documentNumber: text() },
);

// Nullable as Belvo's API reference marks them.
export const Owner = objectType(
  "Owner",
  "The holder of the accounts, as the institution knows them.",
  {
    id: id(),
    displayName: text(),
    email: text(),
    phoneNumber: text(),
    address: text("One free-text line."),
    documentId: one(OwnerDocument),
    internalIdentification: text(),
    ...readAndStored(),
  },
);
export type Owner = InstanceType<typeof Owner>;

export const OwnerList = listType("OwnerList", Owner, "owners");
export type OwnerList = InstanceType<typeof OwnerList>;
