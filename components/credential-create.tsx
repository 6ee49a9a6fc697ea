'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Button } from './button';
import { Modal } from './modal';

/** The words of one kind of credential (API token, organization API key). */
export type CredentialTexts = {
  createButton: string;
  createTitle: string;
  copyTitle: string;
  copyNote: string;
  valueLabel: string;
  nameHint: string;
  warning?: string;
};

type Created = { name: string; expiresAt: string } & ({ token: string } | { key: string });

type Props = {
  create: (input: { name: string; expiresInDays: string }) => Promise<Result<Created>>;
  texts: CredentialTexts;
  maxName: number;
  minDays: number;
  maxDays: number;
  defaultDays: number;
};

const FIELD = 'w-full rounded border border-border bg-surface px-2 py-1.5';
const DAY_MS = 24 * 60 * 60 * 1000;

const formatDay = (date: Date) => date.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

const secretOf = (created: Created) => ('token' in created ? created.token : created.key);

/**
 * Create a credential (API token, organization API key): a name and an expiry, then the secret,
 * shown once in a read-only field to copy. Closing the dialog forgets it.
 */
export function CredentialCreate({ create, texts, maxName, minDays, maxDays, defaultDays }: Props) {
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [days, setDays] = useState(String(defaultDays));
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [copied, setCopied] = useState(false);
  // When the dialog opened: the "Expires on" hint counts from here (render must not read the clock).
  const [openedAt, setOpenedAt] = useState(0);
  const [pending, start] = useTransition();

  const reset = () => {
    setName('');
    setDays(String(defaultDays));
    setError(null);
    setCreated(null);
    setCopied(false);
  };
  const close = () => {
    setOpen(false);
    if (created) router.refresh();
    reset();
  };
  const daysNumber = Number(days);
  const expiresOn = Number.isInteger(daysNumber) && daysNumber >= minDays && daysNumber <= maxDays ? formatDay(new Date(openedAt + daysNumber * DAY_MS)) : null;

  return (
    <>
      <Button appearance="primary" onClick={() => { reset(); setOpenedAt(Date.now()); setOpen(true); }}>{texts.createButton}</Button>
      <Modal open={open} title={created ? texts.copyTitle : texts.createTitle} onClose={close}>
        {created ? (
          <div>
            <p className="mb-4 text-text-subtle">
              {texts.copyNote} You won’t be able to see it again. It expires on {formatDay(new Date(created.expiresAt))}.
            </p>
            <label htmlFor={`${id}-token`} className="mb-1 block text-xs font-semibold text-text-subtle">{texts.valueLabel}</label>
            <div className="flex gap-2">
              <input id={`${id}-token`} readOnly value={secretOf(created)} onFocus={(e) => e.currentTarget.select()}
                className={`${FIELD} font-mono text-xs`} spellCheck={false} autoComplete="off" />
              <Button onClick={async () => {
                try {
                  await navigator.clipboard.writeText(secretOf(created));
                  setCopied(true);
                } catch {
                  setCopied(false);
                }
              }}>Copy</Button>
            </div>
            {copied ? <p role="status" className="mt-2 text-text-success">Copied to clipboard.</p> : null}
            <div className="mt-6 flex justify-end">
              <Button appearance="primary" onClick={close}>Done</Button>
            </div>
          </div>
        ) : (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              start(async () => {
                setError(null);
                const result = await create({ name, expiresInDays: days });
                if (!result.ok) return setError({ message: result.message, fields: result.fieldErrors ?? {} });
                setCreated(result.data);
              });
            }}
          >
            {texts.warning ? <p className="mb-4 text-text-subtle">{texts.warning}</p> : null}
            <label htmlFor={`${id}-name`} className="mb-1 block text-xs font-semibold text-text-subtle">Name</label>
            <input id={`${id}-name`} value={name} maxLength={maxName} required autoComplete="off" onChange={(e) => setName(e.target.value)}
              aria-invalid={!!error?.fields.name} aria-describedby={`${id}-name-hint`} className={FIELD} />
            <p id={`${id}-name-hint`} className="mt-1 text-xs text-text-subtlest">
              {error?.fields.name ?? texts.nameHint}
            </p>

            <label htmlFor={`${id}-days`} className="mt-4 mb-1 block text-xs font-semibold text-text-subtle">Expires in (days)</label>
            <input id={`${id}-days`} type="number" inputMode="numeric" min={minDays} max={maxDays} step={1} value={days} required
              onChange={(e) => setDays(e.target.value)} aria-invalid={!!error?.fields.expiresInDays} aria-describedby={`${id}-days-hint`}
              className={`${FIELD} w-32`} />
            <p id={`${id}-days-hint`} className="mt-1 text-xs text-text-subtlest">
              {error?.fields.expiresInDays ?? `Between ${minDays} and ${maxDays} days.${expiresOn ? ` Expires on ${expiresOn}.` : ''}`}
            </p>

            {error ? <p role="alert" className="mt-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error.message}</p> : null}
            <div className="mt-6 flex justify-end gap-2">
              <Button appearance="subtle" onClick={close} disabled={pending}>Cancel</Button>
              <Button type="submit" appearance="primary" disabled={pending}>Create</Button>
            </div>
          </form>
        )}
      </Modal>
    </>
  );
}
