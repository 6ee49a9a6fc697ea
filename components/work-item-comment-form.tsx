'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { MAX_COMMENT } from '@/lib/work-items/schema';
import { Avatar } from './avatar';
import { Button } from './button';

/** Jira's "Add a comment…" box at the top of Activity. */
export function WorkItemCommentForm({
  spaceKey,
  number,
  viewerName,
  action,
}: {
  spaceKey: string;
  number: number;
  viewerName: string;
  action: (input: { spaceKey: string; number: number; body: string }) => Promise<Result<unknown>>;
}) {
  const router = useRouter();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="mb-6 flex gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        start(async () => {
          setError(null);
          const result = await action({ spaceKey, number, body });
          if (!result.ok) return setError(result.message);
          setBody('');
          router.refresh();
        });
      }}
    >
      <Avatar name={viewerName} size={32} />
      <div className="flex-1">
        <label htmlFor="comment-body" className="sr-only">Add a comment</label>
        <textarea id="comment-body" value={body} onChange={(e) => setBody(e.target.value)} rows={3} maxLength={MAX_COMMENT}
          placeholder="Add a comment…" className="w-full rounded border border-border bg-surface px-2 py-1.5" />
        {error ? <p role="alert" className="mt-1 text-text-danger">{error}</p> : null}
        <Button type="submit" appearance="primary" className="mt-2" disabled={pending || body.trim() === ''}>Add comment</Button>
      </div>
    </form>
  );
}
