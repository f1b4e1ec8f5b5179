/**
 * A link's life after its first login (CONTRACT.md section 7). Every input is checked before
 * anything is sent; each mutation is one Belvo write, never sent twice by the gateway.
 */
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { InputError } from "../errors.js";
import { Link } from "../types/link.type.js";
import {
  CreateWidgetTokenInput,
  DeleteLinkInput,
  DeletedLink,
  RefreshAccepted,
  RefreshLinkInput,
  RefreshLinkResult,
  SetLinkAccessModeInput,
  UpdateLinkInput,
  UpdateLinkResult,
  WidgetToken,
} from "../types/link-life.type.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import {
  createWidgetToken,
  deleteLink,
  refreshLink,
  setLinkAccessMode,
  updateLink,
} from "../upstream/link-life.js";
import { checkBase64, checkText, checkUuid } from "../validation.js";

/** Printable characters, no whitespace or control characters (as a resume's token). */
const TOKEN = /^[^\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]{1,64}$/u;
const MAX_RESOURCES = 7;

function checkUpdateLinkInput(input: UpdateLinkInput): void {
  checkUuid("input.link", input.link);
  checkText("input.password", input.password, true);
  checkText("input.password2", input.password2, false);
  if (input.token != null && !TOKEN.test(input.token)) {
    throw new InputError(
      "input.token",
      "expected 1 to 64 printable characters without whitespace.",
    );
  }
  checkText("input.usernameType", input.usernameType, false);
  checkBase64("input.certificate", input.certificate);
  checkBase64("input.privateKey", input.privateKey);
  if ((input.certificate == null) !== (input.privateKey == null)) {
    const missing = input.certificate == null ? "input.certificate" : "input.privateKey";
    throw new InputError(missing, "certificate and privateKey go together: give both or neither.");
  }
}

function checkRefreshLinkInput(input: RefreshLinkInput): void {
  checkUuid("input.link", input.link);
  const resources = input.resources;
  if (resources != null && (resources.length === 0 || resources.length > MAX_RESOURCES)) {
    throw new InputError(
      "input.resources",
      "expected 1 to 7 resources, each once; leave it out for Belvo's default.",
    );
  }
  if (resources != null && new Set(resources).size !== resources.length) {
    throw new InputError("input.resources", "expected each resource at most once.");
  }
}

function checkWidgetTokenInput(input: CreateWidgetTokenInput): void {
  if (input.link != null) checkUuid("input.link", input.link);
  checkText("input.externalId", input.externalId, false);
  if (input.externalId != null && input.externalId.length < 3) {
    throw new InputError("input.externalId", "expected at least 3 characters (Belvo's minimum).");
  }
}

@Resolver()
export class LinkLifeResolver {
  @Mutation(() => UpdateLinkResult, {
    description:
      "New credentials for a link (PUT /api/links/{id}/): the updated link, or a challenge answered with resumeLink.",
  })
  updateLink(
    @Arg("input", () => UpdateLinkInput) input: UpdateLinkInput,
    @Ctx() { belvo, attempts }: Context,
  ): Promise<Link | MfaChallenge> {
    checkUpdateLinkInput(input);
    return attempts.relogin(input.link, () => updateLink(belvo, input));
  }

  @Mutation(() => RefreshLinkResult, {
    description:
      "Loads a link's data again now (POST /api/links/{id}/refresh/). Within Belvo's cooldown: RATE_LIMITED with retryAfter.",
  })
  refreshLink(
    @Arg("input", () => RefreshLinkInput) input: RefreshLinkInput,
    @Ctx() { belvo }: Context,
  ): Promise<RefreshAccepted | MfaChallenge> {
    checkRefreshLinkInput(input);
    return refreshLink(belvo, input);
  }

  @Mutation(() => Link, {
    description: "Changes whether Belvo keeps a link (PATCH /api/links/{id}/).",
  })
  setLinkAccessMode(
    @Arg("input", () => SetLinkAccessModeInput) input: SetLinkAccessModeInput,
    @Ctx() { belvo }: Context,
  ): Promise<Link> {
    checkUuid("input.link", input.link);
    return setLinkAccessMode(belvo, input);
  }

  @Mutation(() => DeletedLink, {
    description: "Deletes a link (DELETE /api/links/{id}/); afterwards `link(id)` is null.",
  })
  deleteLink(
    @Arg("input", () => DeleteLinkInput) input: DeleteLinkInput,
    @Ctx() { belvo }: Context,
  ): Promise<DeletedLink> {
    checkUuid("input.link", input.link);
    return deleteLink(belvo, input);
  }

  @Mutation(() => WidgetToken, {
    description:
      "A token for Belvo's Connect widget (POST /api/token/), minted with the gateway's keys; with `link`, the widget reconnects that link.",
  })
  createWidgetToken(
    @Arg("input", () => CreateWidgetTokenInput) input: CreateWidgetTokenInput,
    @Ctx() { belvo }: Context,
  ): Promise<WidgetToken> {
    checkWidgetTokenInput(input);
    return createWidgetToken(belvo, input);
  }
}
