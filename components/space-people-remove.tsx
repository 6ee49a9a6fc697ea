'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, useTransition } from 'react';
import type { SpacePersonRow } from '@/lib/spaces/people';
import type { Result } from '@/lib/result';
import { Button, buttonClass } from './button';
import { Modal } from './modal';

type Props = {
  spaceKey: string;
  spaceName: string;
  person: Pick<SpacePersonRow, 'userId' | 'name' | 'siteGuest'>;
  action: (input: { spaceKey: string; userId: string }) => Promise<Result<string>>;
};

/** Remove, confirmed in a modal. */
export function SpacePeopleRemove({ spaceKey, spaceName, person, action }: Props) {
  const router = useRouter();
  const trigger = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const close = () => {
    setOpen(false);
    // The dialog leaves the page when closed (see below), so focus would otherwise fall to <body>.
    trigger.current?.focus();
  };
  return (
    <>
      <button ref={trigger} type="button" aria-label={`Remove ${person.name}`} className={buttonClass('subtle')}
        onClick={() => { setError(null); setOpen(true); }}>
        Remove
      </button>
      {/* Mounted only while open: a long list shouldn't carry a hidden dialog in every row. */}
      {open ? (
        <Modal open title={`Remove ${person.name} from ${spaceName}?`} onClose={close}>
          <div className="mb-6 space-y-2 text-text-subtle">
            {person.siteGuest ? (
              <p>
                {person.name} will no longer have access to {spaceName}. They stay on this site as a guest with no space, and a space admin
                can add them to a space again later.
              </p>
            ) : (
              <p>{person.name} will no longer have a role in {spaceName}. Their access to the rest of the site doesn’t change.</p>
            )}
          </div>
          {error ? <p role="alert" className="mb-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}
          <div className="flex justify-end gap-2">
            <Button appearance="subtle" onClick={close} disabled={pending}>Cancel</Button>
            <Button
              appearance="danger"
              disabled={pending}
              onClick={() =>
                start(async () => {
                  const result = await action({ spaceKey, userId: person.userId });
                  if (!result.ok) return setError(result.message);
                  setOpen(false);
                  router.refresh();
                })
              }
            >
              Remove
            </Button>
          </div>
        </Modal>
      ) : null}
    </>
  );
}
