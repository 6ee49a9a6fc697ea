'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button } from './button';
import { TwoStepRecoveryCodes } from './two-step-recovery-codes';

const FIELD = 'w-full rounded border border-border bg-surface px-2 py-1.5';

export type EnrollmentSetup = {
  /** The QR code (a server-rendered <TwoStepQr />). */
  qr: React.ReactNode;
  manualKey: string;
  uri: string;
  account: string;
};

type Props = {
  /**
   * The pending secret's setup details; null once the app is confirmed. Confirming renews the
   * session id, and the new cookie re-renders the page: it then renders this component again with
   * null (same place, so the recovery codes just received stay on screen until "Continue").
   */
  setup: EnrollmentSetup | null;
  confirm: (input: Record<string, string>) => Promise<Result<{ recoveryCodes: string[] }>>;
  /** Ask for the password too (turning it on from Account settings). */
  askPassword?: boolean;
  /** Where "Continue" goes once the recovery codes are saved. */
  next: string;
};

/** Enrollment: scan the QR code or type the key, confirm with a code, then save the recovery codes. */
export function TwoStepEnroll({ setup, confirm, askPassword = false, next }: Props) {
  const router = useRouter();
  const id = useId();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [pending, start] = useTransition();

  if (codes) {
    return <TwoStepRecoveryCodes codes={codes} onDone={() => { router.replace(next); router.refresh(); }} />;
  }
  if (!setup) {
    return (
      <div className="space-y-4">
        <p>Your authenticator app is set up.</p>
        <Button appearance="primary" onClick={() => { router.replace(next); router.refresh(); }}>Continue</Button>
      </div>
    );
  }
  const { qr, manualKey, uri, account } = setup;
  return (
    <div>
      <ol className="mb-6 list-decimal space-y-4 pl-5">
        <li>
          <p className="font-medium">Install an authenticator app</p>
          <p className="text-text-subtle">For example Google Authenticator, Microsoft Authenticator, Authy or 1Password.</p>
        </li>
        <li>
          <p className="mb-2 font-medium">Scan this QR code with the app</p>
          {qr}
          <details className="mt-3">
            <summary className="cursor-pointer text-link">Can’t scan the code?</summary>
            <p className="mt-2 text-text-subtle">Enter this key in the app (account: {account}, time-based):</p>
            <p className="mt-1 font-mono text-base tracking-wider" data-testid="manual-key">{manualKey}</p>
            <p className="mt-2 text-xs break-all text-text-subtlest">Setup link: <span data-testid="otpauth-uri">{uri}</span></p>
          </details>
        </li>
        <li>
          <p className="font-medium">Enter the 6-digit code the app shows</p>
        </li>
      </ol>
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          start(async () => {
            setError(null);
            const result = await confirm(askPassword ? { code, password } : { code });
            if (!result.ok) return setError({ message: result.message, fields: result.fieldErrors ?? {} });
            setCodes(result.data.recoveryCodes);
          });
        }}
      >
        <div>
          <label htmlFor={`${id}-code`} className="mb-1 block text-xs font-semibold text-text-subtle">Verification code</label>
          <input id={`${id}-code`} value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="one-time-code"
            maxLength={7} spellCheck={false} required aria-invalid={!!error?.fields.code} className={`${FIELD} font-mono tracking-widest`} />
        </div>
        {askPassword ? (
          <div>
            <label htmlFor={`${id}-password`} className="mb-1 block text-xs font-semibold text-text-subtle">Your password</label>
            <input id={`${id}-password`} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password"
              required aria-invalid={!!error?.fields.password} className={FIELD} />
          </div>
        ) : null}
        {error ? <p role="alert" className="rounded bg-danger-subtle px-3 py-2 text-text-danger">{error.message}</p> : null}
        <Button type="submit" appearance="primary" disabled={pending || !code.trim() || (askPassword && !password)}>
          {pending ? 'Checking…' : 'Verify and turn on'}
        </Button>
      </form>
    </div>
  );
}
