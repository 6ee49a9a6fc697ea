'use client';

import { useState } from 'react';
import type { Result } from '@/lib/result';
import { TwoStepCodeForm } from './two-step-code-form';

/** The authenticator step: a code from the app, or (switching) one of the recovery codes. */
export function TwoStepAuthenticatorStep({ action }: { action: (input: Record<string, string>) => Promise<Result<unknown>> }) {
  const [recovery, setRecovery] = useState(false);
  return (
    <div>
      <p className="mb-6 text-text-subtle">
        {recovery
          ? 'Enter one of the recovery codes you saved when you set up your authenticator app. Each code works once.'
          : 'Open your authenticator app and enter the 6-digit code it shows for Portico.'}
      </p>
      <TwoStepCodeForm key={recovery ? 'recovery' : 'totp'} action={action} fields={{ kind: recovery ? 'recovery' : 'totp' }} recovery={recovery}
        label={recovery ? 'Recovery code' : 'Verification code'} submitLabel="Verify" next="/" />
      <button type="button" onClick={() => setRecovery(!recovery)} className="mt-4 text-link hover:underline">
        {recovery ? 'Use a code from your authenticator app' : 'Use a recovery code instead'}
      </button>
    </div>
  );
}
