'use client';

import { useActionState } from 'react';
import type { AcceptState } from '@/app/invite/[token]/actions';
import { buttonClass } from './button';

export function InviteAcceptForm({ token, action }: { token: string; action: (s: AcceptState, d: FormData) => Promise<AcceptState> }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction}>
      {state.error ? <p role="alert" className="mb-3 rounded bg-danger-subtle px-3 py-2 text-text-danger">{state.error}</p> : null}
      <input type="hidden" name="token" value={token} />
      <button type="submit" disabled={pending} className={`${buttonClass('primary')} w-full justify-center py-2`}>
        Accept invite
      </button>
    </form>
  );
}
