/**
 * What every MFA step's resolver does, whatever the resource: check, send, cap failed resumes.
 * A resource's resolver extends `resumable` (links) or `retrievable` (data resources); its
 * mutations are named and described from the resource, so the five read alike by construction.
 */
import { Arg, Ctx, Mutation, Resolver, type ClassType } from "type-graphql";
import type { Context } from "../context.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import type { RetrievalAccepted } from "../types/retrieval-accepted.type.js";
import type { ResumeDataRequest } from "../upstream/belvo.js";
import type { RetrievalTypes } from "../types/retrieval.type.js";
import type { DataResource, MfaResource, RetrieveRequest } from "../upstream/resources.js";
import { checkRetrieveBalancesInput, checkResumeInput, checkRetrieveInput } from "../validation.js";
import { withLinkStatus } from "./recovery.js";

/**
 * A resume: the input checked, then sent under the per-link cap on failed attempts; an
 * MFA_SESSION_EXPIRED answer carries the link's status (a lost answer may have linked it).
 */
export function resumeStep<T>(
  input: ResumeDataRequest,
  { attempts, belvo }: Context,
  send: (input: ResumeDataRequest) => Promise<T | MfaChallenge>,
): Promise<T | MfaChallenge> {
  checkResumeInput(input);
  return withLinkStatus(belvo, input.link, () => attempts.resume(input.link, () => send(input)));
}

export interface DatedInput {
  link: string;
  dateFrom: string;
  dateTo?: string | null;
  account?: string | null;
  saveData?: boolean | null;
}

/** A dated retrieval's request: `dateTo` defaults to today on the gateway's clock; checked. */
export function datedRequest(input: DatedInput, { now }: Context) {
  const request = { ...input, dateTo: input.dateTo ?? now().toISOString().slice(0, 10) };
  checkRetrieveBalancesInput(request);
  return request;
}

/** A standard retrieval's request: the input as given, checked. */
export function standardRequest<R extends RetrieveRequest>(input: R): R {
  checkRetrieveInput(input);
  return input;
}

/** How one resource appears in the schema: `resume${name}`, described as `what` (e.g. "a link"). */
export interface StepNames {
  name: string;
  what: string;
}

/** `resume${name}`: answers the resource's MFA challenge (PATCH on its path). */
export function resumable<T>(
  resource: MfaResource<T>,
  { name, what }: StepNames,
  ResumeInput: ClassType<ResumeDataRequest>,
  resumed: object,
) {
  @Resolver()
  abstract class ResumableResolver {
    @Mutation(() => resumed, {
      name: `resume${name}`,
      description: `Answers ${what}'s MFA challenge (PATCH ${resource.path}).`,
    })
    resume(
      @Arg("input", () => ResumeInput) input: ResumeDataRequest,
      @Ctx() context: Context,
    ): Promise<T | MfaChallenge> {
      return resumeStep(input, context, (request) => context.belvo.resume(resource, request));
    }
  }
  return ResumableResolver;
}

/** `retrieve${name}` (POST on its path, the input made a request by `toRequest`) and `resume${name}`. */
export function retrievable<T, I extends object, R extends RetrieveRequest>(
  resource: DataResource<T, R>,
  types: RetrievalTypes<I>,
  toRequest: (input: I, context: Context) => R,
) {
  const { RetrieveInput, retrieved } = types;
  @Resolver()
  abstract class RetrievableResolver extends resumable(
    resource,
    types,
    types.ResumeInput,
    types.resumed,
  ) {
    @Mutation(() => retrieved, {
      name: `retrieve${types.name}`,
      description: `Starts ${types.what} (POST ${resource.path}).`,
    })
    retrieve(
      @Arg("input", () => RetrieveInput) input: I,
      @Ctx() context: Context,
    ): Promise<T | MfaChallenge | RetrievalAccepted> {
      const request = toRequest(input, context);
      // Only the transactions' input has `async` (types/retrieval.type.ts).
      if ((input as { async?: boolean | null }).async === true) {
        return context.belvo.retrieveAsync(resource, request);
      }
      return context.belvo.retrieve(resource, request);
    }
  }
  return RetrievableResolver;
}
