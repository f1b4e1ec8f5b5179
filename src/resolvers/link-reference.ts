/**
 * A link another object names (`Account.link`, `Owner.link`): its `id` is the one Belvo sent, so
 * a selection of only `id` (and `__typename`) is answered without a call; any other field loads
 * the link, with every other link of the operation, in one `GET /api/links/?id__in=…` (null when
 * Belvo has no such link).
 */
import { Kind, type GraphQLResolveInfo } from "graphql";
import type { Loaders } from "../loaders.js";
import { Link } from "../types/link.type.js";

/** True when every selection on the field is `id` or `__typename` (a fragment: not known, so no). */
function onlyId(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === "id" || selection.name.value === "__typename"),
    ),
  );
}

export function linkReference(
  id: string,
  info: GraphQLResolveInfo,
  loaders: Loaders,
): Link | Promise<Link | null> {
  return onlyId(info) ? Object.assign(new Link(), { id }) : loaders.link.load(id);
}
