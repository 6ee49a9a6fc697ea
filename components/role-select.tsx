'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { JIRA_ROLE_LABELS, JIRA_ROLES, type JiraRole } from '@/lib/invitations/invite-users.rules';
import { billingEffect } from '@/lib/users/billing-effect';
import { Button } from './button';
import { Modal } from './modal';

type Props = {
  userId: string;
  name: string;
  current: JiraRole;
  guestNotAllowed: string | null;
  action: (input: { userId: string; role: JiraRole }) => Promise<Result<unknown>>;
};

/** Jira's Roles dropdown on a profile: picking a role asks to confirm, stating the billing effect. */
export function RoleSelect({ userId, name, current, guestNotAllowed, action }: Props) {
  const router = useRouter();
  const [target, setTarget] = useState<JiraRole | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <>
      <label htmlFor="jira-role" className="sr-only">Roles for Jira</label>
      <select id="jira-role" value={current} onChange={(e) => { setError(null); setTarget(e.target.value as JiraRole); }}
        className="rounded border border-border px-2 py-1">
        {JIRA_ROLES.map((r) => (
          <option key={r} value={r} disabled={r === 'GUEST' && r !== current && !!guestNotAllowed}>{JIRA_ROLE_LABELS[r]}</option>
        ))}
      </select>
      {guestNotAllowed && current !== 'GUEST' ? <p className="mt-1 text-xs text-text-subtlest">Guest: {guestNotAllowed}</p> : null}
      {error && !target ? <p role="alert" className="mt-1 text-text-danger">{error}</p> : null}
      <Modal open={target !== null} title={`Change ${name}'s role to ${target ? JIRA_ROLE_LABELS[target] : ''}?`} onClose={() => setTarget(null)}>
        {target ? (
          <div className="mb-6 space-y-2 text-text-subtle">
            <p>{billingEffect(current, target)}</p>
            {current === 'GUEST' && target !== 'GUEST' ? <p>They will no longer be limited to one space.</p> : null}
          </div>
        ) : null}
        {error ? <p role="alert" className="mb-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <Button appearance="subtle" onClick={() => setTarget(null)} disabled={pending}>Cancel</Button>
          <Button appearance="primary" disabled={pending} onClick={() => start(async () => {
            const result = await action({ userId, role: target! });
            if (!result.ok) return setError(result.message);
            setTarget(null);
            router.refresh();
          })}>Change role</Button>
        </div>
      </Modal>
    </>
  );
}
