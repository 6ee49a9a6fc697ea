'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { SPACE_ROLE_LABELS, SPACE_ROLES, type SpaceRoleName } from '@/lib/access/permissions';
import type { SpacePersonRow } from '@/lib/spaces/people';
import type { Result } from '@/lib/result';

type Props = {
  spaceKey: string;
  person: Pick<SpacePersonRow, 'userId' | 'name' | 'role' | 'siteGuest' | 'allowedRoles'>;
  action: (input: { spaceKey: string; userId: string; role: SpaceRoleName }) => Promise<Result<string>>;
};

/** The Role dropdown in a People row: a change is saved at once; a refusal puts the old role back and says why. */
export function SpacePeopleRoleSelect({ spaceKey, person, action }: Props) {
  const router = useRouter();
  const id = useId();
  const [shown, setShown] = useState(person.role);
  // After a refresh the server's role wins over what this row last showed.
  const [serverRole, setServerRole] = useState(person.role);
  if (serverRole !== person.role) {
    setServerRole(person.role);
    setShown(person.role);
  }
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const hintId = `${id}-hint`;
  const outcomeId = `${id}-outcome`;
  return (
    <div>
      <label htmlFor={id} className="sr-only">Role for {person.name}</label>
      <select
        id={id}
        value={shown}
        disabled={pending}
        aria-describedby={[person.siteGuest ? hintId : null, outcome ? outcomeId : null].filter(Boolean).join(' ') || undefined}
        onChange={(event) => {
          const role = event.target.value as SpaceRoleName;
          const previous = shown;
          setShown(role);
          setOutcome(null);
          start(async () => {
            const result = await action({ spaceKey, userId: person.userId, role });
            if (!result.ok) {
              setShown(previous);
              setOutcome({ ok: false, text: result.message });
              return;
            }
            setOutcome({ ok: true, text: result.data });
            router.refresh();
          });
        }}
        className="rounded border border-border bg-surface px-2 py-1"
      >
        {SPACE_ROLES.map((role) => (
          <option key={role} value={role} disabled={!person.allowedRoles.includes(role)}>
            {SPACE_ROLE_LABELS[role]}
          </option>
        ))}
      </select>
      {person.siteGuest ? <span id={hintId} className="sr-only">Guests can only have the Guest role.</span> : null}
      {outcome ? (
        <p id={outcomeId} role={outcome.ok ? 'status' : 'alert'} className={`mt-1 max-w-xs text-xs ${outcome.ok ? 'text-text-success' : 'text-text-danger'}`}>
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}
