'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import { resetTwoStep } from '@/lib/security/authenticator';
import { PolicyInput, resetExternalSessions, reviewPolicyChange, UpdatePolicyInput, updateExternalPolicy } from '@/lib/security/policy';

const PATH = '/admin/security/external-users';

/** Review external users: who the change affects, before anything is saved. */
export const reviewPolicyChangeAction = defineAction({
  input: PolicyInput,
  permission: 'admin.security.manage',
  run: (input, { viewer }) => reviewPolicyChange(prisma, viewer, input),
});

/** Update: saves the reviewed policy; it applies on every external user's next request. */
export const updatePolicyAction = defineAction({
  input: UpdatePolicyInput,
  permission: 'admin.security.manage',
  run: async (input, { viewer, audit }) => {
    const { changed } = await updateExternalPolicy(prisma, viewer, input, audit);
    revalidatePath(PATH);
    return changed ? 'External user security updated. It applies from each external user’s next request.' : 'Nothing changed.';
  },
});

/** Reset sessions: signs every external user out now. */
export const resetSessionsAction = defineAction({
  input: z.object({}),
  permission: 'admin.security.manage',
  run: async (_input, { viewer, audit }) => {
    const { sessionsEnded } = await resetExternalSessions(prisma, viewer, audit);
    revalidatePath(PATH);
    return `Sessions reset. Every external user has to log in again (${sessionsEnded} open session${sessionsEnded === 1 ? '' : 's'} ended).`;
  },
});

/** A user's profile: reset their two-step verification (authenticator app and recovery codes). */
export const resetTwoStepAction = defineAction({
  input: z.object({ userId: z.string().trim().min(1, 'Missing id.').max(64, 'Invalid id.') }),
  permission: 'admin.security.manage',
  run: async ({ userId }, { audit, viewer }) => {
    const { hadAuthenticator } = await resetTwoStep(prisma, viewer, userId, audit);
    revalidatePath(`/admin/users/${userId}`);
    return hadAuthenticator
      ? 'Two-step verification reset. Their authenticator app and recovery codes no longer work.'
      : 'Two-step verification reset. They had no authenticator app set up.';
  },
});
