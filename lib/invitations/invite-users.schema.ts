// Shared by the Invite users form (client) and its server actions.
import { z } from 'zod';

import { normalizeEmail } from '../email-address';
import { JIRA_ROLES, MAX_INVITES_PER_BATCH, MAX_PERSONAL_MESSAGE, parseEmailList, parseExpiryDay, guestExpiryProblem } from './invite-users.rules';

export * from './invite-users.rules';

const emailsField = z
  .string({ error: 'Enter at least one email address.' })
  .max(MAX_INVITES_PER_BATCH * 600, `That is too much text for ${MAX_INVITES_PER_BATCH} addresses.`)
  .transform((raw, ctx) => {
    const parsed = parseEmailList(raw);
    if (parsed.length === 0) ctx.addIssue({ code: 'custom', message: 'Enter at least one email address.' });
    if (parsed.length > MAX_INVITES_PER_BATCH) {
      ctx.addIssue({ code: 'custom', message: `You can invite up to ${MAX_INVITES_PER_BATCH} people at a time.` });
    }
    const invalid = parsed.find((p) => p.error);
    if (invalid) ctx.addIssue({ code: 'custom', message: invalid.error! });
    return parsed.map((p) => p.email!).filter(Boolean);
  });

/**
 * "Access expires on" as a form sends it: absent → the site default applies; "" → no expiry;
 * YYYY-MM-DD → that day (in the future, at most two years ahead, checked against the clock now and
 * again by the domain function with its own `now`).
 */
export const guestExpiryDayField = z
  .string()
  .max(32, 'Enter the date as YYYY-MM-DD.')
  .transform((raw, ctx): Date | null => {
    if (!raw.trim()) return null;
    const day = parseExpiryDay(raw);
    if (!day) {
      ctx.addIssue({ code: 'custom', message: 'Enter the date as YYYY-MM-DD.' });
      return z.NEVER;
    }
    const problem = guestExpiryProblem(day, new Date());
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return day;
  });
export const guestAccessExpiresOnField = guestExpiryDayField.optional();

export const ReviewInvitesInput = z.object({
  emails: emailsField,
  role: z.enum(JIRA_ROLES, { error: 'Choose a role for Jira.' }),
  /** Only read for guests. */
  guestAccessExpiresOn: guestAccessExpiresOnField,
});

export const GrantAccessInput = ReviewInvitesInput.extend({
  personalMessage: z
    .string()
    .max(MAX_PERSONAL_MESSAGE, `Keep the personal message under ${MAX_PERSONAL_MESSAGE} characters.`)
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').trim() || null),
  /** Addresses the admin saw as "already invited" and confirmed to send again. */
  resend: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((e) => normalizeEmail(e)).filter((e): e is string => !!e))),
});
