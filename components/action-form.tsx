'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button, type Appearance } from './button';

/**
 * A small form that calls a server action with its fields and shows the outcome; used for
 * one-click admin actions (approve, resend, revoke, …).
 */
export function ActionForm<T>({
  action,
  fields,
  label,
  appearance = 'default',
  children,
  onDone,
}: {
  action: (input: Record<string, string>) => Promise<Result<T>>;
  fields: Record<string, string>;
  label: string;
  appearance?: Appearance;
  children?: React.ReactNode;
  onDone?: () => void;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
        start(async () => {
          const result = await action({ ...fields, ...data });
          if (result.ok) {
            setOutcome({ ok: true, text: typeof result.data === 'string' ? result.data : 'Done.' });
            onDone?.();
            router.refresh();
          } else {
            setOutcome({ ok: false, text: result.message });
          }
        });
      }}
    >
      {children}
      <Button type="submit" appearance={appearance} disabled={pending}>{label}</Button>
      {outcome ? (
        <p role={outcome.ok ? 'status' : 'alert'} className={`mt-2 ${outcome.ok ? 'text-text-success' : 'text-text-danger'}`}>
          {outcome.text}
        </p>
      ) : null}
    </form>
  );
}
