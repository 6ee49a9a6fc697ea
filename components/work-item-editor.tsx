'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { MAX_DESCRIPTION, MAX_SUMMARY } from '@/lib/work-items/schema';
import { Button } from './button';

type Props = {
  spaceKey: string;
  number: number;
  summary: string;
  description: string;
  canEdit: boolean;
  action: (input: { spaceKey: string; number: number; summary: string; description: string }) => Promise<Result<unknown>>;
};

/** The big summary and the Description section of the issue view, with an Edit mode for people allowed to edit. */
export function WorkItemEditor({ spaceKey, number, summary, description, canEdit, action }: Props) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ summary, description });
  const [errors, setErrors] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [pending, start] = useTransition();

  if (!editing) {
    return (
      <div>
        <div className="flex items-start gap-3">
          <h1 className="flex-1 text-2xl font-semibold break-words">{summary}</h1>
          {canEdit ? (
            <Button onClick={() => { setDraft({ summary, description }); setErrors(null); setEditing(true); }}>Edit</Button>
          ) : null}
        </div>
        <section aria-labelledby="description-heading" className="mt-6">
          <h2 id="description-heading" className="mb-2 font-semibold">Description</h2>
          {description ? (
            <p className="break-words whitespace-pre-wrap">{description}</p>
          ) : (
            <p className="text-text-subtlest">{canEdit ? 'Add a description…' : 'None'}</p>
          )}
        </section>
      </div>
    );
  }

  return (
    <form
      aria-label="Edit work item"
      onSubmit={(event) => {
        event.preventDefault();
        start(async () => {
          setErrors(null);
          const result = await action({ spaceKey, number, ...draft });
          if (!result.ok) return setErrors({ message: result.message, fields: result.fieldErrors ?? {} });
          setEditing(false);
          router.refresh();
        });
      }}
    >
      <label htmlFor="edit-summary" className="mb-1 block text-xs font-semibold text-text-subtle">Summary</label>
      <input id="edit-summary" value={draft.summary} maxLength={MAX_SUMMARY} required
        aria-invalid={errors?.fields.summary ? true : undefined}
        onChange={(e) => setDraft({ ...draft, summary: e.target.value })}
        className="w-full rounded border border-border bg-surface px-2 py-1.5 text-xl font-semibold" />
      {errors?.fields.summary ? <p className="mt-1 text-text-danger">{errors.fields.summary}</p> : null}
      <label htmlFor="edit-description" className="mt-4 mb-1 block text-xs font-semibold text-text-subtle">Description</label>
      <textarea id="edit-description" value={draft.description} maxLength={MAX_DESCRIPTION} rows={8}
        aria-invalid={errors?.fields.description ? true : undefined}
        onChange={(e) => setDraft({ ...draft, description: e.target.value })}
        className="w-full rounded border border-border bg-surface px-2 py-1.5" />
      {errors?.fields.description ? <p className="mt-1 text-text-danger">{errors.fields.description}</p> : null}
      {errors && !errors.fields.summary && !errors.fields.description ? <p role="alert" className="mt-2 text-text-danger">{errors.message}</p> : null}
      <div className="mt-3 flex gap-2">
        <Button type="submit" appearance="primary" disabled={pending}>Save</Button>
        <Button appearance="subtle" disabled={pending} onClick={() => setEditing(false)}>Cancel</Button>
      </div>
    </form>
  );
}
