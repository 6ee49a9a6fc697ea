import Link from 'next/link';
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS, type AuditLogQuery } from '@/lib/audit-log';

const FIELD = 'rounded border border-border bg-surface px-2 py-1.5';
const LABEL = 'mb-1 block text-xs font-semibold text-text-subtle';

// The select lists actions A to Z by what people read, not by their internal names.
const ACTION_OPTIONS = [...AUDIT_ACTIONS].sort((a, b) => AUDIT_ACTION_LABELS[a].localeCompare(AUDIT_ACTION_LABELS[b]));

/** Audit log filters as a plain GET form, so they work without JavaScript. */
export function AuditFilters({ query, clearHref }: { query: AuditLogQuery; clearHref: string | null }) {
  return (
    <form method="get" action="/admin/audit-log" role="search" aria-label="Filter the audit log" className="mb-4 flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="audit-actor" className={LABEL}>
          Actor
        </label>
        <input id="audit-actor" name="actor" type="search" defaultValue={query.actor} maxLength={100} placeholder="Name or email" className={`${FIELD} w-48`} />
      </div>
      <div>
        <label htmlFor="audit-action" className={LABEL}>
          Action
        </label>
        <select id="audit-action" name="action" defaultValue={query.action ?? ''} className={FIELD}>
          <option value="">All actions</option>
          {ACTION_OPTIONS.map((action) => (
            <option key={action} value={action}>
              {AUDIT_ACTION_LABELS[action]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-target" className={LABEL}>
          Target
        </label>
        <input id="audit-target" name="target" type="search" defaultValue={query.target} maxLength={100} placeholder="Name or email" className={`${FIELD} w-48`} />
      </div>
      <div>
        <label htmlFor="audit-from" className={LABEL}>
          From (UTC)
        </label>
        <input id="audit-from" name="from" type="date" defaultValue={query.from ?? ''} max={query.to ?? undefined} className={FIELD} />
      </div>
      <div>
        <label htmlFor="audit-to" className={LABEL}>
          To (UTC)
        </label>
        <input id="audit-to" name="to" type="date" defaultValue={query.to ?? ''} min={query.from ?? undefined} className={FIELD} />
      </div>
      <button type="submit" className="rounded bg-neutral px-3 py-1.5 font-medium hover:bg-neutral-hovered">
        Apply
      </button>
      {clearHref ? (
        <Link href={clearHref} className="py-1.5 text-link hover:underline">
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}
