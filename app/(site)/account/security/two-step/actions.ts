'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions';
import { adoptSession } from '@/lib/auth';
import { prisma } from '@/lib/db/client';
import { canManageOwnTwoStep, regenerateRecoveryCodes, turnOffAuthenticator } from '@/lib/security/authenticator';
import { confirmOwnEnrollment, startOwnEnrollment } from '@/lib/security/second-factor';

const PATH = '/account/security/two-step';
const Code = z.string({ error: 'Enter the code from your authenticator app.' }).trim().min(1, 'Enter the code from your authenticator app.').max(20, 'That code is too long.');

/** "Get a setup key" on the setup page: makes the pending secret (the page itself only shows it). */
export const startAuthenticatorSetupAction = defineAction({
  input: z.object({}),
  permission: canManageOwnTwoStep,
  run: async (_input, { viewer }) => {
    await startOwnEnrollment(prisma, viewer);
    revalidatePath(`${PATH}/setup`);
    return 'Your setup key is ready.';
  },
});

/** Account settings → Security → Two-step verification: anyone turns on their own authenticator app. */
export const turnOnAuthenticatorAction = defineAction({
  input: z.object({ code: Code, password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(1024, 'That password is too long.') }),
  permission: canManageOwnTwoStep,
  run: async ({ code, password }, { viewer, audit }) => {
    const { sessionId, recoveryCodes } = await confirmOwnEnrollment(prisma, viewer, { code, password }, { ip: audit.ip, audit });
    await adoptSession(sessionId);
    revalidatePath(PATH);
    return { recoveryCodes };
  },
});

export const regenerateRecoveryCodesAction = defineAction({
  input: z.object({ code: Code }),
  permission: canManageOwnTwoStep,
  run: async ({ code }, { viewer, audit }) => {
    const result = await regenerateRecoveryCodes(prisma, viewer, code, audit);
    revalidatePath(PATH);
    return result;
  },
});

export const turnOffAuthenticatorAction = defineAction({
  input: z.object({ code: Code }),
  permission: canManageOwnTwoStep,
  run: async ({ code }, { viewer, audit }) => {
    await turnOffAuthenticator(prisma, viewer, code, audit);
    revalidatePath(PATH);
    return 'Two-step verification is off.';
  },
});
