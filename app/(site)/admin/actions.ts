'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import { reviewInvitations } from '@/lib/invitations/review';
import { grantAccess, resendInvitation, revokeInvitation } from '@/lib/invitations/grant';
import { GrantAccessInput, JIRA_ROLE_LABELS, JIRA_ROLES, MAX_GUEST_ACCESS_DEFAULT_DAYS, ReviewInvitesInput, guestExpiryDayField } from '@/lib/invitations/invite-users.schema';
import { changeJiraRole, changePlan, removeAccess, restoreAccess, setGuestGrant, suspendAccess } from '@/lib/users/manage';
import { approveRequest, denyRequest } from '@/lib/requests/access-requests';
import { changeGuestExpiry, guestDefaultDaysMessage, setGuestAccessDefault } from '@/lib/guests/expiry';

const Id = z.string().trim().min(1, 'Missing id.').max(64, 'Invalid id.');

export const reviewInvitesAction = defineAction({
  input: ReviewInvitesInput,
  permission: 'admin.users.manage',
  // "Access expires on" is validated by the input schema; reviewing doesn't otherwise depend on it.
  run: ({ emails, role }, { viewer }) => reviewInvitations(prisma, viewer.site.id, emails, role),
});

export const grantAccessAction = defineAction({
  input: GrantAccessInput,
  permission: 'admin.users.manage',
  run: async ({ guestAccessExpiresOn, ...input }, { viewer, audit }) => {
    const rows = await grantAccess(prisma, viewer, { ...input, guestAccessExpiresAt: guestAccessExpiresOn }, audit);
    revalidatePath('/admin/users');
    return rows;
  },
});

export const resendInviteAction = defineAction({
  input: z.object({ invitationId: Id }),
  permission: 'admin.users.manage',
  run: async ({ invitationId }, { viewer, audit }) => {
    await resendInvitation(prisma, viewer, invitationId, audit);
    revalidatePath('/admin', 'layout');
    return 'Invitation sent again with a new link.';
  },
});

export const revokeInviteAction = defineAction({
  input: z.object({ invitationId: Id }),
  permission: 'admin.users.manage',
  run: async ({ invitationId }, { viewer, audit }) => {
    await revokeInvitation(prisma, viewer, invitationId, audit);
    revalidatePath('/admin', 'layout');
    return 'Invitation revoked. Its link no longer works.';
  },
});

export const changeRoleAction = defineAction({
  input: z.object({ userId: Id, role: z.enum(JIRA_ROLES, { error: 'Choose Guest, User or Admin.' }) }),
  permission: 'admin.users.manage',
  run: async ({ userId, role }, { viewer, audit }) => {
    const result = await changeJiraRole(prisma, viewer, userId, role, audit);
    revalidatePath(`/admin/users/${userId}`);
    return result;
  },
});

export const suspendAccessAction = defineAction({
  input: z.object({ userId: Id }),
  permission: 'admin.users.manage',
  run: async ({ userId }, { viewer, audit }) => {
    await suspendAccess(prisma, viewer, userId, audit);
    revalidatePath(`/admin/users/${userId}`);
    return 'Access suspended.';
  },
});

export const restoreAccessAction = defineAction({
  input: z.object({ userId: Id }),
  permission: 'admin.users.manage',
  run: async ({ userId }, { viewer, audit }) => {
    await restoreAccess(prisma, viewer, userId, audit);
    revalidatePath(`/admin/users/${userId}`);
    return 'Access restored.';
  },
});

export const removeAccessAction = defineAction({
  input: z.object({ userId: Id }),
  permission: 'admin.users.manage',
  run: async ({ userId }, { viewer, audit }) => {
    await removeAccess(prisma, viewer, userId, audit);
    revalidatePath(`/admin/users/${userId}`);
    return 'Access removed.';
  },
});

export const approveRequestAction = defineAction({
  input: z.object({ requestId: Id, role: z.enum(JIRA_ROLES, { error: 'Choose Guest, User or Admin.' }).optional() }),
  permission: 'admin.requests.manage',
  run: async ({ requestId, role }, { viewer, audit }) => {
    const result = await approveRequest(prisma, viewer, requestId, role, audit);
    revalidatePath('/admin', 'layout');
    return `Approved. They now have Jira access as ${JIRA_ROLE_LABELS[result.role]}.`;
  },
});

export const denyRequestAction = defineAction({
  input: z.object({
    requestId: Id,
    message: z
      .string()
      .max(500, 'Keep the message under 500 characters.')
      .optional()
      .transform((v) => v?.trim() || null),
  }),
  permission: 'admin.requests.manage',
  run: async ({ requestId, message }, { viewer, audit }) => {
    await denyRequest(prisma, viewer, requestId, message, audit);
    revalidatePath('/admin', 'layout');
    return 'Request denied.';
  },
});

export const changePlanAction = defineAction({
  input: z.object({ plan: z.enum(['FREE', 'STANDARD', 'PREMIUM', 'ENTERPRISE'], { error: 'Choose a plan.' }) }),
  permission: 'admin.billing.manage',
  run: async ({ plan }, { viewer, audit }) => {
    const result = await changePlan(prisma, viewer, plan, audit);
    revalidatePath('/admin', 'layout');
    return result.before === result.after ? 'The plan is unchanged.' : `Plan changed to ${plan[0] + plan.slice(1).toLowerCase()}.`;
  },
});

export const setGuestGrantAction = defineAction({
  input: z.object({
    userId: Id,
    grant: z.enum(['DASHBOARDS', 'GOALS', 'PEOPLE_DIRECTORY', 'CONFLUENCE'], { error: 'Choose what to grant.' }),
    granted: z.enum(['true', 'false'], { error: 'Say whether to grant or revoke.' }).transform((v) => v === 'true'),
  }),
  permission: 'admin.users.manage',
  run: async ({ userId, grant, granted }, { viewer, audit }) => {
    const message = await setGuestGrant(prisma, viewer, userId, grant, granted, audit);
    revalidatePath(`/admin/users/${userId}`);
    return message;
  },
});

const EXPIRY_DATE_REQUIRED = 'Choose the date access expires on.';

/** A guest's profile: Extend (one click), set the date, or remove the expiry. */
export const changeGuestExpiryAction = defineAction({
  input: z.discriminatedUnion(
    'change',
    [
      z.object({ userId: Id, change: z.literal('extend') }),
      z.object({ userId: Id, change: z.literal('clear') }),
      z.object({
        userId: Id,
        change: z.literal('set'),
        expiresOn: z.string({ error: EXPIRY_DATE_REQUIRED }).trim().min(1, EXPIRY_DATE_REQUIRED).pipe(guestExpiryDayField),
      }),
    ],
    { error: 'Choose how to change the expiry.' },
  ),
  permission: 'admin.users.manage',
  run: async (input, { viewer, audit }) => {
    const change = input.change === 'extend' ? { extend: true as const } : { expiresAt: input.change === 'set' ? (input.expiresOn ?? null) : null };
    const result = await changeGuestExpiry(prisma, viewer, input.userId, change, audit);
    revalidatePath(`/admin/users/${input.userId}`);
    return result.message;
  },
});

/** Site setting: Default guest access length (days; empty = no expiry). */
export const setGuestAccessDefaultAction = defineAction({
  input: z.object({
    days: z
      .string()
      .max(16, guestDefaultDaysMessage)
      .optional()
      .transform((raw, ctx) => {
        const value = raw?.trim() ?? '';
        if (!value) return null;
        const days = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isInteger(days) || days < 1 || days > MAX_GUEST_ACCESS_DEFAULT_DAYS) {
          ctx.addIssue({ code: 'custom', message: guestDefaultDaysMessage });
          return z.NEVER;
        }
        return days;
      }),
  }),
  permission: 'admin.users.manage',
  run: async ({ days }, { viewer, audit }) => {
    const result = await setGuestAccessDefault(prisma, viewer, days, audit);
    revalidatePath('/admin', 'layout');
    if (result.before === result.after) return 'The default guest access length is unchanged.';
    return days ? `New guests' access now expires after ${days} days by default.` : 'New guests no longer expire by default.';
  },
});
