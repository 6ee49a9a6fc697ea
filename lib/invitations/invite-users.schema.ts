// Shared by the Invite users form (client) and its server actions.
import { z } from 'zod';
import { normalizeEmail } from '../email-address';

export const MAX_INVITES_PER_BATCH = 50;
export const MAX_PERSONAL_MESSAGE = 500;
export const JIRA_ROLES = ['GUEST', 'USER', 'ADMIN'] as const;
export type JiraRole = (typeof JIRA_ROLES)[number];
export const JIRA_ROLE_LABELS: Record<JiraRole, string> = { GUEST: 'Guest', USER: 'User', ADMIN: 'Admin' };

export type ParsedAddress = { input: string; email: string | null; error: string | null };

/** Splits pasted text on commas, semicolons, spaces and newlines; one entry per distinct address. */
export function parseEmailList(raw: string): ParsedAddress[] {
  const seen = new Set<string>();
  const out: ParsedAddress[] = [];
  for (const piece of raw.split(/[\s,;]+/)) {
    const input = piece.trim();
    if (!input) continue;
    const email = normalizeEmail(input);
    const key = email ?? input;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ input: input.slice(0, 320), email, error: email ? null : `${input.slice(0, 80)} isn't a valid email address.` });
  }
  return out;
}

const emailsField = z
  .string({ error: 'Enter at least one email address.' })
  .max(30_000, 'That is too much text for 50 addresses.')
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

export const ReviewInvitesInput = z.object({
  emails: emailsField,
  role: z.enum(JIRA_ROLES, { error: 'Choose a role for Jira.' }),
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
