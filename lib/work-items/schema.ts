// Inputs of the work-item commands, shared by the forms (client), the server actions and the
// domain functions, so the limits are stated once. No server-only imports: client code uses this.
import { z } from 'zod';
import { DomainError } from '../result';

export const MAX_SUMMARY = 255;
export const MAX_DESCRIPTION = 10_000;
export const MAX_COMMENT = 10_000;

export const WORK_ITEM_STATUSES = ['TO_DO', 'IN_PROGRESS', 'DONE'] as const;
export type WorkItemStatusName = (typeof WORK_ITEM_STATUSES)[number];
export const STATUS_LABELS = { TO_DO: 'To Do', IN_PROGRESS: 'In Progress', DONE: 'Done' } as const satisfies Record<WorkItemStatusName, string>;
export const STATUS_TONES = { TO_DO: 'default', IN_PROGRESS: 'information', DONE: 'success' } as const satisfies Record<WorkItemStatusName, string>;

/** Same shape findSpaceForViewer accepts; anything else cannot name a space. */
export const SPACE_KEY_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;

/** Where an item lives, as the client names it. Only ever resolved within the viewer's own site. */
export type ItemRef = { spaceKey: string; number: number };

const SpaceKey = z.string({ error: 'Missing space.' }).trim().regex(SPACE_KEY_PATTERN, 'Unknown space.');
// FormData sends numbers as text.
const ItemNumber = z.coerce.number({ error: 'Unknown work item.' }).int('Unknown work item.').min(1, 'Unknown work item.').max(2_147_483_647, 'Unknown work item.');
const Id = z.string().trim().max(64, 'Invalid id.');

const normalizeNewlines = (text: string) => text.replace(/\r\n?/g, '\n');

const Summary = z
  .string({ error: 'Enter a summary.' })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter a summary.')
      .max(MAX_SUMMARY, `Keep the summary to ${MAX_SUMMARY} characters or fewer.`)
      // A summary is one line everywhere it is shown (lists, breadcrumbs, titles).
      .refine((s) => !/[\r\n]/.test(s), 'The summary has to fit on one line.'),
  );

const Description = z
  .string()
  .transform((s) => normalizeNewlines(s).trim())
  .pipe(z.string().max(MAX_DESCRIPTION, `Keep the description to ${MAX_DESCRIPTION.toLocaleString('en-US')} characters or fewer.`));

/** An empty picker value means "Unassigned". */
const OptionalAssignee = z
  .union([Id, z.null()])
  .optional()
  .transform((v) => (v ? v : null));

export const ItemRefInput = z.object({ spaceKey: SpaceKey, number: ItemNumber });

export const CreateWorkItemInput = z.object({
  spaceKey: SpaceKey,
  summary: Summary,
  description: Description.optional().transform((v) => v ?? ''),
  assigneeId: OptionalAssignee,
});
export type CreateWorkItemInput = z.input<typeof CreateWorkItemInput>;

export const UpdateWorkItemInput = ItemRefInput.extend({
  summary: Summary.optional(),
  description: Description.optional(),
}).refine((v) => v.summary !== undefined || v.description !== undefined, 'Nothing to change.');
export type UpdateWorkItemInput = z.input<typeof UpdateWorkItemInput>;

export const TransitionInput = ItemRefInput.extend({
  status: z.enum(WORK_ITEM_STATUSES, { error: 'Choose To Do, In Progress or Done.' }),
});
export type TransitionInput = z.input<typeof TransitionInput>;

export const AssignInput = ItemRefInput.extend({ assigneeId: OptionalAssignee });
export type AssignInput = z.input<typeof AssignInput>;

export const CommentInput = ItemRefInput.extend({
  body: z
    .string({ error: 'Write a comment first.' })
    .transform((s) => normalizeNewlines(s).trim())
    .pipe(z.string().min(1, 'Write a comment first.').max(MAX_COMMENT, `Keep comments to ${MAX_COMMENT.toLocaleString('en-US')} characters or fewer.`)),
});
export type CommentInput = z.input<typeof CommentInput>;

export const ShareInput = ItemRefInput.extend({ userId: Id.min(1, 'Choose a person.') });
export type ShareInput = z.input<typeof ShareInput>;

export const ShareSearchInput = ItemRefInput.extend({ query: z.string().trim().max(100, 'Search with fewer characters.').default('') });
export type ShareSearchInput = z.input<typeof ShareSearchInput>;

/**
 * Domain functions take raw input too (they are called by actions, scripts and tests alike), so
 * they validate it themselves and report problems the way actions do.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[issue.path.join('.') || 'form'] ??= issue.message;
  throw new DomainError('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Check the highlighted fields.', fieldErrors);
}

export const itemKey = (spaceKey: string, number: number) => `${spaceKey}-${number}`;
export const itemPath = (spaceKey: string, number: number) => `/spaces/${spaceKey}/items/${number}`;
