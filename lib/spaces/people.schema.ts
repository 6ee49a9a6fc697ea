// Space settings → People: the inputs, shared by the Add people dialog (client) and the server actions.
import { z } from 'zod';
import { SPACE_ROLES } from '../access/permissions';
import { normalizeEmail } from '../email-address';
import { MAX_ACCESS_REQUEST_NOTE, MAX_PEOPLE_PER_ADD, MAX_PICKER_QUERY } from './people.rules';

export * from './people.rules';

/** Same shape as the keys findSpaceForViewer accepts; anything else cannot name a space. */
export const SpaceKey = z.string({ error: 'Missing space.' }).trim().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'Missing space.');

const UserId = z.string({ error: 'Missing person.' }).trim().min(1, 'Missing person.').max(64, 'Missing person.');

export const SpaceRole = z.enum(SPACE_ROLES, { error: 'Choose Administrator, Member, Viewer or Guest.' });

/** One address per entry, or one string with addresses separated by commas, semicolons or new lines (form posts). */
const emailsField = z
  .union([z.string().max(10_000, 'That is too much text.'), z.array(z.string().max(320)).max(MAX_PEOPLE_PER_ADD * 2)], {
    error: 'Add at least one person.',
  })
  .transform((value, ctx) => {
    const pieces = (Array.isArray(value) ? value : value.split(/[\s,;]+/)).map((p) => p.trim()).filter(Boolean);
    const emails: string[] = [];
    for (const piece of pieces) {
      const email = normalizeEmail(piece);
      if (!email) {
        ctx.addIssue({ code: 'custom', message: `${piece.slice(0, 80)} isn't a valid email address.` });
        return z.NEVER;
      }
      if (!emails.includes(email)) emails.push(email);
    }
    if (emails.length === 0) ctx.addIssue({ code: 'custom', message: 'Add at least one person.' });
    if (emails.length > MAX_PEOPLE_PER_ADD) ctx.addIssue({ code: 'custom', message: `You can add up to ${MAX_PEOPLE_PER_ADD} people at a time.` });
    return emails;
  });

export const AddPeopleInput = z.object({ spaceKey: SpaceKey, emails: emailsField, role: SpaceRole });
export type AddPeopleInput = z.output<typeof AddPeopleInput>;

export const ChangeSpaceRoleInput = z.object({ spaceKey: SpaceKey, userId: UserId, role: SpaceRole });

export const RemoveFromSpaceInput = z.object({ spaceKey: SpaceKey, userId: UserId });

export const SearchSitePeopleInput = z.object({
  spaceKey: SpaceKey,
  query: z.string({ error: 'Type a name or email.' }).max(MAX_PICKER_QUERY, 'Search for a shorter name or email.'),
});

export const RequestAccessForInput = z.object({
  spaceKey: SpaceKey,
  email: z.string({ error: 'Enter an email address.' }).transform((raw, ctx) => {
    const email = normalizeEmail(raw);
    if (!email) {
      ctx.addIssue({ code: 'custom', message: `${raw.slice(0, 80)} isn't a valid email address.` });
      return z.NEVER;
    }
    return email;
  }),
  note: z
    .string()
    .max(MAX_ACCESS_REQUEST_NOTE, `Keep the note under ${MAX_ACCESS_REQUEST_NOTE} characters.`)
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').trim() || null),
});
