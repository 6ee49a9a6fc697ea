'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions';
import { adoptSession } from '@/lib/auth';
import { prisma } from '@/lib/db/client';
import { passAuthenticatorStep, reverifyPassword, confirmRequiredEnrollment, startRequiredEnrollment } from '@/lib/security/second-factor';
import { sendEmailPasscode, verifyEmailPasscode } from '@/lib/security/email-passcode';

// The /verify steps. These are the only actions a session may call while its two-step
// verification or re-verification is pending (whileVerificationPending); each checks in
// lib/security that the session is at its step, so nobody else gets anything from them. A step
// that raises the session's verification renews its id (lib/auth/sessions.ts rotateSession);
// adoptSession puts the new id in the browser's cookie.
const Code = z.string({ error: 'Enter the code.' }).trim().min(1, 'Enter the code.').max(40, 'That code is too long.');
const anySignedIn = () => true;

export const reverifyPasswordAction = defineAction({
  input: z.object({ password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(1024, 'That password is too long.') }),
  permission: anySignedIn,
  whileVerificationPending: true,
  run: async ({ password }, { viewer, audit }) => {
    const { sessionId } = await reverifyPassword(prisma, viewer, password, { ip: audit.ip, audit });
    await adoptSession(sessionId);
    return 'Password verified.';
  },
});

export const sendEmailPasscodeAction = defineAction({
  input: z.object({}),
  permission: anySignedIn,
  whileVerificationPending: true,
  run: async (_input, { viewer, audit }) => {
    const { sentTo, expiresAt } = await sendEmailPasscode(prisma, viewer, { ip: audit.ip });
    return { sentTo, expiresAt: expiresAt.toISOString() };
  },
});

export const verifyEmailPasscodeAction = defineAction({
  input: z.object({ code: Code }),
  permission: anySignedIn,
  whileVerificationPending: true,
  run: async ({ code }, { viewer, audit }) => {
    const { sessionId } = await verifyEmailPasscode(prisma, viewer, code, { ip: audit.ip, audit });
    await adoptSession(sessionId);
    return 'Verified.';
  },
});

export const verifyAuthenticatorAction = defineAction({
  input: z.object({ code: Code, kind: z.enum(['totp', 'recovery']).default('totp') }),
  permission: anySignedIn,
  whileVerificationPending: true,
  run: async ({ code, kind }, { viewer, audit }) => {
    const { sessionId, recoveryCodesLeft } = await passAuthenticatorStep(prisma, viewer, { kind, code }, { ip: audit.ip, audit });
    await adoptSession(sessionId);
    return recoveryCodesLeft === undefined ? 'Verified.' : `Verified. You have ${recoveryCodesLeft} recovery code${recoveryCodesLeft === 1 ? '' : 's'} left.`;
  },
});

/** "Get a setup key": makes the pending secret (the enrollment page itself only shows it). */
export const startEnrollmentAction = defineAction({
  input: z.object({}),
  permission: anySignedIn,
  whileVerificationPending: true,
  run: async (_input, { viewer }) => {
    await startRequiredEnrollment(prisma, viewer);
    revalidatePath('/verify/enroll');
    return 'Your setup key is ready.';
  },
});

export const confirmEnrollmentAction = defineAction({
  input: z.object({ code: Code }),
  permission: anySignedIn,
  whileVerificationPending: true,
  run: async ({ code }, { viewer, audit }) => {
    const { sessionId, recoveryCodes } = await confirmRequiredEnrollment(prisma, viewer, code, { ip: audit.ip, audit });
    await adoptSession(sessionId);
    return { recoveryCodes };
  },
});
