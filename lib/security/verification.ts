// Whether a session (or an API token call) has verified enough for the external-user policy and
// for the person's own authenticator app. Pure functions over facts read in lib/access/viewer.ts,
// so every request decides with the policy as it is in the database at that moment.
import type { SecondFactorMethod, VerificationState } from '../access/policy';

export type { SecondFactorMethod, VerificationState };

export type TwoStepMethod = 'NONE' | 'EMAIL_OTP' | 'TOTP';

export type PolicyFacts = {
  twoStepMethod: TwoStepMethod;
  sessionMaxMinutes: number;
  idleTimeoutMinutes: number | null;
  apiTokensAllowed: boolean;
  sessionsResetAt: Date | null;
};

/** Atlassian's defaults, also what applies while an organization has no policy row. */
export const DEFAULT_POLICY: PolicyFacts = {
  twoStepMethod: 'NONE',
  sessionMaxMinutes: 30 * 24 * 60,
  idleTimeoutMinutes: null,
  apiTokensAllowed: true,
  sessionsResetAt: null,
};

export type SessionFacts = { createdAt: Date; verifiedAt: Date; secondFactorAt: Date | null; lastSeenAt: Date };

export type Verdict = { state: VerificationState | 'ENDED'; method: SecondFactorMethod | null };

const MINUTE_MS = 60_000;

/**
 * What a person must present in this session before anything else:
 * - `subject` = the external-user policy applies to them (external, on the site, not suspended);
 * - a session started before "Reset sessions" has ENDED;
 * - a session past the policy's session expiration (since the last password) or idle past the
 *   idle timeout NEEDS_REAUTH (password, then the second factor again);
 * - the second factor: TOTP for anyone with a confirmed authenticator app (internal users too),
 *   else the policy's method; "Authenticator app required" without an app NEEDS_ENROLLMENT.
 *   It counts when presented after the last password and within the session expiration.
 */
export function sessionVerdict(input: {
  subject: boolean;
  policy: PolicyFacts;
  hasAuthenticator: boolean;
  session: SessionFacts;
  now: Date;
}): Verdict {
  const { subject, policy, hasAuthenticator, session, now } = input;
  const maxMs = policy.sessionMaxMinutes * MINUTE_MS;
  if (subject) {
    if (policy.sessionsResetAt && session.createdAt < policy.sessionsResetAt) return { state: 'ENDED', method: null };
    const expired = now.getTime() - session.verifiedAt.getTime() >= maxMs;
    const idle = policy.idleTimeoutMinutes !== null && now.getTime() - session.lastSeenAt.getTime() >= policy.idleTimeoutMinutes * MINUTE_MS;
    if (expired || idle) return { state: 'NEEDS_REAUTH', method: null };
  }
  const method = requiredMethod(subject, policy, hasAuthenticator);
  if (!method) return { state: 'OK', method: null };
  if (method === 'TOTP' && !hasAuthenticator) return { state: 'NEEDS_ENROLLMENT', method };
  const passed =
    session.secondFactorAt !== null &&
    session.secondFactorAt >= session.verifiedAt &&
    (!subject || now.getTime() - session.secondFactorAt.getTime() < maxMs);
  return { state: passed ? 'OK' : 'NEEDS_2SV', method };
}

/** The second factor this person must present, or null when none is required. */
export function requiredMethod(subject: boolean, policy: PolicyFacts, hasAuthenticator: boolean): SecondFactorMethod | null {
  if (hasAuthenticator) return 'TOTP';
  if (!subject || policy.twoStepMethod === 'NONE') return null;
  return policy.twoStepMethod;
}

/**
 * An API token call has no session. When the policy requires two-step verification, an external
 * owner's tokens work only while the owner has passed it in the browser within the session
 * expiration (and since the last "Reset sessions"); otherwise the call is refused with a message
 * saying so. Internal users' tokens are not affected by their own authenticator app.
 */
export function tokenVerdict(input: {
  subject: boolean;
  policy: PolicyFacts;
  hasAuthenticator: boolean;
  lastSecondFactorAt: Date | null;
  now: Date;
}): Verdict {
  const { subject, policy, hasAuthenticator, lastSecondFactorAt, now } = input;
  if (!subject || policy.twoStepMethod === 'NONE') return { state: 'OK', method: null };
  const method = requiredMethod(subject, policy, hasAuthenticator);
  if (method === 'TOTP' && !hasAuthenticator) return { state: 'NEEDS_ENROLLMENT', method };
  const recent = lastSecondFactorAt !== null && now.getTime() - lastSecondFactorAt.getTime() < policy.sessionMaxMinutes * MINUTE_MS;
  return { state: recent ? 'OK' : 'NEEDS_2SV', method };
}

/** Where a session in this state goes next. */
export function verifyPath(state: VerificationState, method: SecondFactorMethod | null): string {
  switch (state) {
    case 'NEEDS_REAUTH':
      return '/verify/password';
    case 'NEEDS_ENROLLMENT':
      return '/verify/enroll';
    case 'NEEDS_2SV':
      return method === 'EMAIL_OTP' ? '/verify/email' : '/verify/authenticator';
    default:
      return '/';
  }
}

/** What server actions and the REST API say while verification is pending. */
export function verificationRequiredMessage(state: VerificationState | undefined, via: 'session' | 'api-token' = 'session'): string {
  if (via === 'api-token') {
    return state === 'NEEDS_ENROLLMENT'
      ? 'Your organization requires external users to use an authenticator app. Log in to Portico in a browser and set one up; your API tokens work again after that.'
      : 'Your organization requires two-step verification for external users. Log in to Portico in a browser and verify your identity; your API tokens work again after that.';
  }
  switch (state) {
    case 'NEEDS_REAUTH':
      return 'Your session needs to be verified again. Enter your password to continue.';
    case 'NEEDS_ENROLLMENT':
      return 'Set up two-step verification with an authenticator app to continue.';
    default:
      return 'Verify your identity with two-step verification to continue.';
  }
}
