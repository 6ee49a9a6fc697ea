'use client';

import { useState } from 'react';
import type { Result } from '@/lib/result';
import { TwoStepCodeForm } from './two-step-code-form';
import { TwoStepRecoveryCodes } from './two-step-recovery-codes';

type Props = {
  regenerate: (input: Record<string, string>) => Promise<Result<{ recoveryCodes: string[] }>>;
  turnOff: (input: Record<string, string>) => Promise<Result<unknown>>;
  /** Why it can't be turned off (the external-user policy requires it), or null. */
  turnOffRefusal: string | null;
};

/** Authenticator app on: new recovery codes or turn it off, each after a current code from the app. */
export function TwoStepManage({ regenerate, turnOff, turnOffRefusal }: Props) {
  const [codes, setCodes] = useState<string[] | null>(null);
  if (codes) return <TwoStepRecoveryCodes codes={codes} onDone={() => setCodes(null)} doneLabel="Done" />;
  // The codes come back in the action's result: shown here once.
  const regenerateAndShow = async (input: Record<string, string>) => {
    const result = await regenerate(input);
    if (result.ok) setCodes(result.data.recoveryCodes);
    return result;
  };
  return (
    <div className="grid gap-8 md:grid-cols-2">
      <section aria-labelledby="regenerate-heading" className="max-w-sm">
        <h2 id="regenerate-heading" className="mb-1 text-lg font-semibold">Recovery codes</h2>
        <p className="mb-3 text-text-subtle">Generate new codes if you lost yours or used most of them. The old ones stop working.</p>
        <TwoStepCodeForm action={regenerateAndShow} label="Code from your authenticator app" submitLabel="Generate new recovery codes" />
      </section>
      <section aria-labelledby="turn-off-heading" className="max-w-sm">
        <h2 id="turn-off-heading" className="mb-1 text-lg font-semibold">Turn off</h2>
        {turnOffRefusal ? (
          <p className="text-text-subtle">{turnOffRefusal}</p>
        ) : (
          <>
            <p className="mb-3 text-text-subtle">Logging in will need only your password again.</p>
            <TwoStepCodeForm action={turnOff} label="Code from your authenticator app" submitLabel="Turn off two-step verification" />
          </>
        )}
      </section>
    </div>
  );
}
