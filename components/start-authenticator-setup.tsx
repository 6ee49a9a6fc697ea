'use client';

import { useActionState } from 'react';
import type { Result } from '@/lib/result';
import { buttonClass } from './button';

/** "Get a setup key": a POST makes the pending authenticator secret; the page then shows it. */
export function StartAuthenticatorSetup({ start }: { start: (raw: unknown) => Promise<Result<string>> }) {
  const [state, action, pending] = useActionState(async (_previous: Result<string> | null, formData: FormData) => start(formData), null);
  return (
    <form action={action} className="max-w-xl space-y-3">
      <p className="text-text-subtle">
        You&apos;ll need an authenticator app on your phone, such as Google Authenticator, Microsoft Authenticator or 1Password. Get a setup
        key, scan the QR code with the app, then enter the 6-digit code it shows.
      </p>
      {state && !state.ok ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{state.message}</p> : null}
      <button type="submit" className={buttonClass('primary')} disabled={pending}>
        Get a setup key
      </button>
    </form>
  );
}
