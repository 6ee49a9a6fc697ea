'use client';

import { useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button } from './button';
import { TwoStepCodeForm } from './two-step-code-form';

type Props = {
  send: (input: Record<string, string>) => Promise<Result<{ sentTo: string; expiresAt: string }>>;
  verify: (input: Record<string, string>) => Promise<Result<unknown>>;
  /** When the code that still works was sent (ISO), or null. */
  sentAt: string | null;
};

// UTC, like the rest of the product: the server's and the browser's rendering must agree.
const time = (iso: string) => `${new Date(iso).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' })} UTC`;

/** Send a passcode (again), then enter it. */
export function TwoStepEmailStep({ send, verify, sentAt }: Props) {
  const [sent, setSent] = useState<string | null>(sentAt ? `A code was sent at ${time(sentAt)}.` : null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-4">
      <Button appearance={sent ? 'default' : 'primary'} disabled={pending} onClick={() =>
        start(async () => {
          setError(null);
          const result = await send({});
          if (!result.ok) return setError(result.message);
          setSent(`We sent a code to ${result.data.sentTo}. It expires at ${time(result.data.expiresAt)}.`);
        })
      }>
        {sent ? 'Send a new code' : 'Send code'}
      </Button>
      {sent ? <p role="status" className="text-text-subtle">{sent}</p> : null}
      {error ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}
      {sent ? <TwoStepCodeForm action={verify} label="Verification code" submitLabel="Verify" next="/" hint="Check your inbox (and spam folder)." /> : null}
    </div>
  );
}
