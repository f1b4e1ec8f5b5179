/** The sandbox's MFA rules: which logins ask for a second factor, and which tokens pass. */
import type { MfaKind, MfaSession } from "./state.js";
import { SESSION_EXPIRY_SECONDS } from "./state.js";

/** Accepted; any other token (the docs use 999999) is refused with a fresh challenge. */
export const GOOD_TOKEN = "111111";

/** Username/password pairs that answer 428 on an MFA institution. */
export const MFA_LOGINS: Record<string, { password: string; mfa: MfaKind }> = {
  mfa_default: { password: "pass_valid", mfa: "device" },
  mfa_numeric: { password: "numeric_code", mfa: "numeric" },
  mfa_qr: { password: "qr_code", mfa: "qr" },
};

/**
 * Said in every challenge's instructions, so whoever tries the flow knows what to type: without
 * it, the code on screen is typed, refused, and five refusals lock the link for 10 minutes.
 */
export const CODE_HINT = `Emulator: ${GOOD_TOKEN} passes, 999999 (or any other code) is refused.`;

const TOKEN_GENERATION: Record<MfaKind, (session: MfaSession) => Record<string, unknown>> = {
  device: () => ({
    instructions: `Enter the 6-digit code shown in your bank's app or token device. ${CODE_HINT}`,
    type: "numeric",
    value: null,
    expects_user_input: true,
  }),
  numeric: (session) => ({
    instructions: `Type this challenge code into your token device, then enter the code it shows. ${CODE_HINT}`,
    type: "numeric",
    value: String(parseInt(session.id.slice(0, 8), 16) % 1_000_000).padStart(6, "0"),
    expects_user_input: true,
  }),
  qr: (session) => ({
    instructions:
      "Scan the QR code with your bank's app and approve the request there. Emulator: approve without a code.",
    type: "qr",
    value: `belvo-sandbox://approve?session=${session.id}`,
    expects_user_input: false,
  }),
};

/** Belvo's current 428 body: a one-element array. */
export function challengeBody(session: MfaSession, requestId: string) {
  return [
    {
      code: "token_required",
      message: "A MFA token is required by the institution to login",
      request_id: requestId,
      session: session.id,
      expiry: SESSION_EXPIRY_SECONDS,
      link: session.linkId,
      token_generation_data: TOKEN_GENERATION[session.mfa](session),
    },
  ];
}

export type TokenVerdict = "accepted" | "refused" | "missing";

/** The docs' example session also takes its documented token. */
export function judgeToken(
  session: MfaSession,
  token: string | null,
  exampleToken: string,
): TokenVerdict {
  if (session.mfa === "qr") return token === null || token === GOOD_TOKEN ? "accepted" : "refused";
  if (token === null) return "missing";
  return token === GOOD_TOKEN || (session.permanent && token === exampleToken)
    ? "accepted"
    : "refused";
}
