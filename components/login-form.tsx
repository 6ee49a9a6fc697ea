'use client';

import { useActionState } from 'react';
import type { SignInState } from '@/app/login/actions';

type Props = { action: (state: SignInState, data: FormData) => Promise<SignInState>; callbackUrl?: string };

export function LoginForm({ action, callbackUrl }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state.error ? (
        <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">
          {state.error}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? '/'} />
      <div>
        <label htmlFor="email" className="mb-1 block text-xs font-semibold text-text-subtle">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email}
          className="w-full rounded border border-border px-2 py-1.5" />
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-xs font-semibold text-text-subtle">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required
          className="w-full rounded border border-border px-2 py-1.5" />
      </div>
      <button type="submit" disabled={pending} className="w-full rounded bg-brand py-2 font-medium text-white hover:bg-brand-hovered disabled:opacity-60">
        {pending ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
