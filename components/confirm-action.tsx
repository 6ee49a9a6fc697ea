'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button, type Appearance } from './button';
import { Modal } from './modal';

/** A button that asks for confirmation in a modal, then calls a server action. */
export function ConfirmAction<T>({
  trigger,
  title,
  body,
  confirmLabel,
  appearance = 'primary',
  triggerAppearance = 'subtle',
  action,
  input,
}: {
  trigger: string;
  title: string;
  body: React.ReactNode;
  confirmLabel: string;
  appearance?: Appearance;
  triggerAppearance?: Appearance;
  action: (input: Record<string, string>) => Promise<Result<T>>;
  input: Record<string, string>;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <Button appearance={triggerAppearance} onClick={() => { setError(null); setOpen(true); }}>{trigger}</Button>
      {done ? <p role="status" className="mt-1 text-text-success">{done}</p> : null}
      <Modal open={open} title={title} onClose={() => setOpen(false)}>
        <div className="mb-6 text-text-subtle">{body}</div>
        {error ? <p role="alert" className="mb-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <Button appearance="subtle" onClick={() => setOpen(false)} disabled={pending}>Cancel</Button>
          <Button
            appearance={appearance}
            disabled={pending}
            onClick={() =>
              start(async () => {
                const result = await action(input);
                if (!result.ok) return setError(result.message);
                setOpen(false);
                setDone(typeof result.data === 'string' ? result.data : null);
                router.refresh();
              })
            }
          >
            {confirmLabel}
          </Button>
        </div>
      </Modal>
    </>
  );
}
