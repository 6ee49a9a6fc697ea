'use client';

import { useActionState } from 'react';
import type { Result } from '@/lib/result';
import { buttonClass } from './button';

/** "Get a setup key": a POST makes the pending authenticator secret; the page then shows it. */
export function StartAuthenticatorSetup({ start }: { start: (raw: unknown) => Promise<Result<string>> }) {
  const [state, action, pending] = useActionState(async (_previous: Result<string> | null, formData: FormData) => start(formData), null);
  return (
    <form action={action} className="space-y-3">
      {state && !state.ok ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{state.message}</p> : null}
      <button type="submit" className={buttonClass('primary')} disabled={pending}>
        Get a setup key
      </button>
    </form>
  );
}
