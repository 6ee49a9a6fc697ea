'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button } from './button';

const FIELD = 'w-full rounded border border-border bg-surface px-2 py-1.5';

type Props = {
  action: (input: Record<string, string>) => Promise<Result<unknown>>;
  /** Label of the code field. */
  label: string;
  submitLabel: string;
  /** Extra fixed fields sent with the code (e.g. kind: 'recovery'). */
  fields?: Record<string, string>;
  /** Where to go once the action succeeds (default: refresh this page). */
  next?: string;
  hint?: string;
  recovery?: boolean;
  name?: 'code' | 'password';
};

/** One field (a code or the password) and a button; on success, goes on to `next`. */
export function TwoStepCodeForm({ action, label, submitLabel, fields = {}, next, hint, recovery = false, name = 'code' }: Props) {
  const router = useRouter();
  const id = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const isPassword = name === 'password';
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        start(async () => {
          setError(null);
          const result = await action({ ...fields, [name]: value });
          if (!result.ok) {
            setError(result.message);
            return;
          }
          setValue('');
          if (next) router.replace(next);
          router.refresh();
        });
      }}
    >
      <div>
        <label htmlFor={`${id}-${name}`} className="mb-1 block text-xs font-semibold text-text-subtle">{label}</label>
        <input id={`${id}-${name}`} name={name} value={value} onChange={(e) => setValue(e.target.value)} required autoFocus
          type={isPassword ? 'password' : 'text'}
          autoComplete={isPassword ? 'current-password' : 'one-time-code'}
          inputMode={isPassword || recovery ? undefined : 'numeric'}
          maxLength={isPassword ? 1024 : recovery ? 20 : 7}
          spellCheck={false}
          aria-invalid={!!error} aria-describedby={hint ? `${id}-hint` : undefined}
          className={`${FIELD} ${isPassword ? '' : 'font-mono tracking-widest'}`} />
        {hint ? <p id={`${id}-hint`} className="mt-1 text-xs text-text-subtlest">{hint}</p> : null}
      </div>
      {error ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}
      <Button type="submit" appearance="primary" disabled={pending || !value.trim()} className="w-full justify-center">
        {pending ? 'Checking…' : submitLabel}
      </Button>
    </form>
  );
}
