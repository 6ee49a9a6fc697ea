'use client';

import { useRouter } from 'next/navigation';
import { useOptimistic, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';

export type PickerPerson = { id: string; name: string; email: string };

/** The Assignee field of the details panel; only rendered for people allowed to assign. */
export function WorkItemAssigneeSelect({
  spaceKey,
  number,
  assignee,
  people,
  action,
}: {
  spaceKey: string;
  number: number;
  assignee: { id: string; name: string } | null;
  people: PickerPerson[];
  action: (input: { spaceKey: string; number: number; assigneeId: string }) => Promise<Result<unknown>>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [shown, setShown] = useOptimistic(assignee?.id ?? '');
  // Someone who can no longer browse the space stays shown as assignee until it is changed.
  const stale = assignee && !people.some((p) => p.id === assignee.id) ? assignee : null;
  return (
    <div>
      <label htmlFor="item-assignee" className="sr-only">Assignee</label>
      <select
        id="item-assignee"
        value={shown}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.value;
          start(async () => {
            setError(null);
            setShown(next);
            const result = await action({ spaceKey, number, assigneeId: next });
            if (!result.ok) return setError(result.message);
            router.refresh();
          });
        }}
        className="w-full rounded border border-border bg-surface px-2 py-1"
      >
        <option value="">Unassigned</option>
        {stale ? <option value={stale.id}>{stale.name}</option> : null}
        {people.map((p) => (
          <option key={p.id} value={p.id}>{p.name} · {p.email}</option>
        ))}
      </select>
      {error ? <p role="alert" className="mt-1 text-text-danger">{error}</p> : null}
    </div>
  );
}
