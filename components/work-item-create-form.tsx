'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { MAX_DESCRIPTION, MAX_SUMMARY } from '@/lib/work-items/schema';
import { Button, buttonClass } from './button';

type Props = {
  spaceKey: string;
  spaceName: string;
  /** null when the viewer may not assign: Jira leaves the Assignee field out then. */
  people: { id: string; name: string; email: string }[] | null;
  action: (input: { spaceKey: string; summary: string; description: string; assigneeId: string }) => Promise<Result<{ key: string; href: string }>>;
};

const FIELD = 'w-full rounded border border-border bg-surface px-2 py-1.5';
const LABEL = 'mb-1 block text-xs font-semibold text-text-subtle';

export function WorkItemCreateForm({ spaceKey, spaceName, people, action }: Props) {
  const router = useRouter();
  const [errors, setErrors] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      aria-label="Create work item"
      className="max-w-2xl space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        start(async () => {
          setErrors(null);
          const result = await action({
            spaceKey,
            summary: String(data.get('summary') ?? ''),
            description: String(data.get('description') ?? ''),
            assigneeId: String(data.get('assigneeId') ?? ''),
          });
          if (!result.ok) return setErrors({ message: result.message, fields: result.fieldErrors ?? {} });
          router.push(result.data.href);
        });
      }}
    >
      <p className="text-text-subtle">Space: {spaceName} ({spaceKey})</p>
      {errors ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{errors.message}</p> : null}
      <div>
        <label htmlFor="create-summary" className={LABEL}>Summary <span className="text-text-danger">*</span></label>
        <input id="create-summary" name="summary" required maxLength={MAX_SUMMARY} autoFocus className={FIELD}
          aria-invalid={errors?.fields.summary ? true : undefined} />
        {errors?.fields.summary ? <p className="mt-1 text-text-danger">{errors.fields.summary}</p> : null}
      </div>
      <div>
        <label htmlFor="create-description" className={LABEL}>Description</label>
        <textarea id="create-description" name="description" rows={8} maxLength={MAX_DESCRIPTION} className={FIELD}
          aria-invalid={errors?.fields.description ? true : undefined} />
        {errors?.fields.description ? <p className="mt-1 text-text-danger">{errors.fields.description}</p> : null}
      </div>
      {people ? (
        <div>
          <label htmlFor="create-assignee" className={LABEL}>Assignee</label>
          <select id="create-assignee" name="assigneeId" defaultValue="" className={FIELD}>
            <option value="">Unassigned</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>{p.name} · {p.email}</option>
            ))}
          </select>
          {errors?.fields.assigneeId ? <p className="mt-1 text-text-danger">{errors.fields.assigneeId}</p> : null}
        </div>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" appearance="primary" disabled={pending}>Create</Button>
        <Link href={`/spaces/${spaceKey}`} className={buttonClass('subtle')}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
