'use client';

import { useActionState } from 'react';
import type { CreateAccountState } from '@/app/invite/[token]/actions';
import { buttonClass } from './button';

export function CreateAccountForm({ token, email, action }: { token: string; email: string; action: (s: CreateAccountState, d: FormData) => Promise<CreateAccountState> }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state.error ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{state.error}</p> : null}
      <input type="hidden" name="token" value={token} />
      <div>
        <label htmlFor="email" className="mb-1 block text-xs font-semibold text-text-subtle">Email</label>
        <input id="email" value={email} readOnly className="w-full rounded border border-border bg-sunken px-2 py-1.5" />
      </div>
      <div>
        <label htmlFor="name" className="mb-1 block text-xs font-semibold text-text-subtle">Full name</label>
        <input id="name" name="name" autoComplete="name" required defaultValue={state.name}
          aria-invalid={!!state.fieldErrors?.name} className="w-full rounded border border-border px-2 py-1.5" />
        {state.fieldErrors?.name ? <p className="mt-1 text-xs text-text-danger">{state.fieldErrors.name}</p> : null}
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-xs font-semibold text-text-subtle">Password</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required
          aria-invalid={!!state.fieldErrors?.password} className="w-full rounded border border-border px-2 py-1.5" />
        {state.fieldErrors?.password ? <p className="mt-1 text-xs text-text-danger">{state.fieldErrors.password}</p> : null}
      </div>
      <button type="submit" disabled={pending} className={`${buttonClass('primary')} w-full justify-center py-2`}>
        {pending ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
