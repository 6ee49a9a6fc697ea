'use client';

import { useState } from 'react';
import { Button } from './button';

/** Recovery codes, shown once: copy or download them, then continue. */
export function TwoStepRecoveryCodes({ codes, onDone, doneLabel = 'Continue' }: { codes: string[]; onDone: () => void; doneLabel?: string }) {
  const [copied, setCopied] = useState(false);
  const text = `Portico recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  return (
    <section aria-labelledby="recovery-codes-heading">
      <h2 id="recovery-codes-heading" className="mb-2 text-lg font-semibold">Save your recovery codes</h2>
      <p className="mb-4 text-text-subtle">
        If you lose your phone, a recovery code gets you in instead of a code from the app. Each code works once. Keep them somewhere safe:
        you won’t see them again.
      </p>
      <ol aria-label="Recovery codes" className="mb-4 grid grid-cols-2 gap-x-6 gap-y-1 rounded bg-sunken p-4 font-mono text-sm">
        {codes.map((code) => <li key={code}>{code}</li>)}
      </ol>
      <div className="mb-6 flex gap-2">
        <Button onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setCopied(true);
          } catch {
            setCopied(false);
          }
        }}>Copy codes</Button>
        <a className="inline-flex items-center rounded-[3px] bg-neutral px-3 py-1.5 font-medium hover:bg-neutral-hovered"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="portico-recovery-codes.txt">Download codes</a>
      </div>
      {copied ? <p role="status" className="-mt-4 mb-4 text-text-success">Copied to clipboard.</p> : null}
      <Button appearance="primary" onClick={onDone}>{doneLabel}</Button>
    </section>
  );
}
