'use client';

import { useRouter } from 'next/navigation';
import { useOptimistic, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { STATUS_LABELS, WORK_ITEM_STATUSES, type WorkItemStatusName } from '@/lib/work-items/schema';

const TONE: Record<WorkItemStatusName, string> = {
  TO_DO: 'bg-neutral text-text',
  IN_PROGRESS: 'bg-information-subtle text-text-information',
  DONE: 'bg-success-subtle text-text-success',
};

/** The status button of Jira's issue view; only rendered for people allowed to transition. */
export function WorkItemStatusSelect({
  spaceKey,
  number,
  status,
  action,
}: {
  spaceKey: string;
  number: number;
  status: WorkItemStatusName;
  action: (input: { spaceKey: string; number: number; status: WorkItemStatusName }) => Promise<Result<unknown>>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  // Shows the chosen status while the change is saved; falls back to the server's on refusal.
  const [shown, setShown] = useOptimistic(status);
  return (
    <div>
      <label htmlFor="item-status" className="sr-only">Status</label>
      <select
        id="item-status"
        value={shown}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.value as WorkItemStatusName;
          start(async () => {
            setError(null);
            setShown(next);
            const result = await action({ spaceKey, number, status: next });
            if (!result.ok) return setError(result.message);
            router.refresh();
          });
        }}
        className={`rounded-[3px] px-2 py-1.5 font-semibold ${TONE[shown]}`}
      >
        {WORK_ITEM_STATUSES.map((s) => (
          <option key={s} value={s}>{STATUS_LABELS[s]}</option>
        ))}
      </select>
      {error ? <p role="alert" className="mt-1 text-text-danger">{error}</p> : null}
    </div>
  );
}
