'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button } from './button';
import { Modal } from './modal';

type Props = {
  name: string;
  /** What stops working, e.g. "Any script or app that uses this token". */
  consequence: string;
  revoke: () => Promise<Result<string>>;
};

/** Revoke one credential (API token, organization API key), after a confirmation naming it. */
export function CredentialRevoke({ name, consequence, revoke }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <>
      <Button appearance="subtle" aria-label={`Revoke ${name}`} onClick={() => { setError(null); setOpen(true); }}>Revoke</Button>
      <Modal open={open} title={`Revoke ${name}?`} onClose={() => setOpen(false)}>
        <p className="mb-6 text-text-subtle">
          {consequence} stops working at its next request. You can’t undo this.
        </p>
        {error ? <p role="alert" className="mb-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <Button appearance="subtle" onClick={() => setOpen(false)} disabled={pending}>Cancel</Button>
          <Button
            appearance="danger"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const result = await revoke();
                if (!result.ok) return setError(result.message);
                setOpen(false);
                router.refresh();
              })
            }
          >
            Revoke
          </Button>
        </div>
      </Modal>
    </>
  );
}
