/**
 * What every MFA step's resolver does, whatever the resource: check, send, cap failed resumes.
 * A resource's resolver extends `resumable` (links) or `retrievable` (data resources), as in
 * type-graphql's resolver-inheritance example, and writes out its own mutations' names,
 * descriptions, inputs and unions.
 */
import { Arg, Ctx, Mutation, Resolver, type ClassType } from "type-graphql";
import type { Context } from "../context.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import type { RetrievalAccepted } from "../types/retrieval-accepted.type.js";
import type { ResumeDataRequest } from "../upstream/belvo.js";
import type { DataResource, MfaResource, RetrieveRequest } from "../upstream/resources.js";
import { checkDatedRetrieveInput, checkResumeInput, checkRetrieveInput } from "../validation.js";
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
  checkDatedRetrieveInput(request);
  return request;
}

/** A standard retrieval's request: the input as given, checked. */
export function standardRequest<R extends RetrieveRequest>(input: R): R {
  checkRetrieveInput(input);
  return input;
}

/**
 * One MFA step of a resource as the schema shows it, written out by the resource's resolver: its
 * mutation's name and description, its input class and its union (the success `T` or a challenge).
 */
export interface Step<I extends object, T> {
  /** e.g. `resumeBalances`. */
  name: string;
  description: string;
  input: ClassType<I>;
  result: T | MfaChallenge;
}

/** Answers the resource's MFA challenge (PATCH on its path). */
export function resumable<T extends object, I extends ResumeDataRequest>(
  resource: MfaResource<T>,
  resume: Step<I, T>,
) {
  @Resolver()
  abstract class ResumableResolver {
    @Mutation(() => resume.result, { name: resume.name, description: resume.description })
    resume(
      @Arg("input", () => resume.input) input: I,
      @Ctx() context: Context,
    ): Promise<T | MfaChallenge> {
      return resumeStep(input, context, (request) => context.belvo.resume(resource, request));
    }
  }
  return ResumableResolver;
}

/** A data resource's two steps; `toRequest` makes the retrieve input Belvo's request. */
export interface RetrievalSteps<T, I extends object, J extends object, R> {
  retrieve: Step<I, T>;
  resume: Step<J, T>;
  toRequest: (input: I, context: Context) => R;
}

/** Starts a retrieval (POST on the resource's path), and answers its MFA challenge (`resumable`). */
export function retrievable<
  T extends object,
  R extends RetrieveRequest,
  I extends object,
  J extends ResumeDataRequest,
>(resource: DataResource<T, R>, { retrieve, resume, toRequest }: RetrievalSteps<T, I, J, R>) {
  @Resolver()
  abstract class RetrievableResolver extends resumable(resource, resume) {
    @Mutation(() => retrieve.result, { name: retrieve.name, description: retrieve.description })
    retrieve(
      @Arg("input", () => retrieve.input) input: I,
      @Ctx() context: Context,
    ): Promise<T | MfaChallenge | RetrievalAccepted> {
      const request = toRequest(input, context);
      // Only the transactions' input has `async` (RetrieveTransactionsInput).
      if ((input as { async?: boolean | null }).async === true) {
        return context.belvo.retrieveAsync(resource, request);
      }
      return context.belvo.retrieve(resource, request);
    }
  }
  return RetrievableResolver;
}
