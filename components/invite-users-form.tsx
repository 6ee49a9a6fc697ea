'use client';

import Link from 'next/link';
import { useMemo, useState, useTransition } from 'react';
import {
  JIRA_ROLE_LABELS,
  JIRA_ROLES,
  MAX_INVITES_PER_BATCH,
  MAX_PERSONAL_MESSAGE,
  formatExpiryDate,
  parseEmailList,
  parseExpiryDay,
  type JiraRole,
} from '@/lib/invitations/invite-users.rules';
import type { ReviewRow } from '@/lib/invitations/review';
import type { GrantRow } from '@/lib/invitations/grant';
import type { Result } from '@/lib/result';
import { Button, buttonClass } from './button';
import { Lozenge } from './lozenge';
import { TableHead } from './table-head';

type Props = {
  siteName: string;
  otherApps: string[];
  guestUnavailableReason: string | null;
  /** "Access expires on" for guests: proposed from the site default ('' = no expiry), and its range (YYYY-MM-DD). */
  guestExpiry: { defaultExpiresOn: string; minExpiresOn: string; maxExpiresOn: string };
  review: (input: { emails: string; role: JiraRole; guestAccessExpiresOn?: string }) => Promise<Result<ReviewRow[]>>;
  grant: (input: { emails: string; role: JiraRole; personalMessage: string; resend: string[]; guestAccessExpiresOn?: string }) => Promise<Result<GrantRow[]>>;
};

const OUTCOME: Record<ReviewRow['outcome'], { label: string; tone: 'success' | 'information' | 'default' | 'danger' }> = {
  NEW_GUEST: { label: 'New guest', tone: 'success' },
  NEW_USER: { label: 'New user', tone: 'success' },
  RESEND: { label: 'Will resend', tone: 'information' },
  ALREADY_ON_SITE: { label: 'Already on site', tone: 'default' },
  REFUSED: { label: 'Refused', tone: 'danger' },
};

const RESULT: Record<GrantRow['result'], { label: string; tone: 'success' | 'information' | 'default' | 'danger' }> = {
  INVITED: { label: 'Invited', tone: 'success' },
  RESENT: { label: 'Resent', tone: 'information' },
  SKIPPED: { label: 'No change', tone: 'default' },
  REFUSED: { label: 'Refused', tone: 'danger' },
};

const STEPS = ['Details', 'Review', 'Grant access'];

export function InviteUsersForm({ siteName, otherApps, guestUnavailableReason, guestExpiry, review, grant }: Props) {
  const [step, setStep] = useState(0);
  const [emailText, setEmailText] = useState('');
  const [role, setRole] = useState<JiraRole>(guestUnavailableReason ? 'USER' : 'GUEST');
  const [expiresOn, setExpiresOn] = useState(guestExpiry.defaultExpiresOn);
  // Only guests' access expires; '' sends "no expiry".
  const guestAccessExpiresOn = role === 'GUEST' ? expiresOn : undefined;
  const expiresOnDay = expiresOn ? parseExpiryDay(expiresOn) : null;
  const [rows, setRows] = useState<ReviewRow[]>([]);
  const [results, setResults] = useState<GrantRow[]>([]);
  const [personalize, setPersonalize] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const parsed = useMemo(() => parseEmailList(emailText), [emailText]);
  const invalid = parsed.filter((p) => p.error);
  const tooMany = parsed.length > MAX_INVITES_PER_BATCH;
  const actionable = rows.filter((r) => r.outcome !== 'REFUSED' && r.outcome !== 'ALREADY_ON_SITE');

  const next = () =>
    startTransition(async () => {
      setError(null);
      const result = await review({ emails: emailText, role, guestAccessExpiresOn });
      if (!result.ok) return setError(result.message);
      setRows(result.data);
      setStep(1);
    });

  const submit = () =>
    startTransition(async () => {
      setError(null);
      const result = await grant({
        emails: rows.map((r) => r.email).join('\n'),
        role,
        personalMessage: personalize ? message : '',
        resend: rows.filter((r) => r.outcome === 'RESEND').map((r) => r.email),
        guestAccessExpiresOn,
      });
      if (!result.ok) return setError(result.message);
      setResults(result.data);
      setStep(2);
    });

  return (
    <div className="max-w-3xl">
      <ol aria-label="Progress" className="mb-6 flex gap-2">
        {STEPS.map((label, i) => (
          <li key={label} aria-current={i === step ? 'step' : undefined}
            className={`flex-1 border-t-4 pt-1 text-xs font-semibold ${i <= step ? 'border-brand text-link' : 'border-border text-text-subtlest'}`}>
            {label}
          </li>
        ))}
      </ol>
      {error ? <p role="alert" className="mb-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}

      {step === 0 ? (
        <section aria-label="Details">
          <label htmlFor="emails" className="mb-1 block text-xs font-semibold text-text-subtle">
            Email addresses
          </label>
          <textarea id="emails" value={emailText} onChange={(e) => setEmailText(e.target.value)} rows={4}
            placeholder="e.g. maria@partner.com, alex@agency.io"
            aria-describedby="emails-help" className="w-full rounded border border-border px-2 py-1.5" />
          <p id="emails-help" className="mt-1 text-xs text-text-subtlest">
            Separate addresses with commas, spaces or new lines. Up to {MAX_INVITES_PER_BATCH} at a time.
          </p>
          {parsed.length ? (
            <ul aria-label="Addresses" className="mt-2 flex flex-wrap gap-1">
              {parsed.map((p) => (
                <li key={p.input} title={p.error ?? undefined}
                  className={`rounded-full px-2 py-0.5 text-xs ${p.error ? 'bg-danger-subtle text-text-danger' : 'bg-neutral'}`}>
                  {p.email ?? p.input}
                  {p.error ? <span className="sr-only"> — {p.error}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {invalid.length ? <p className="mt-2 text-text-danger">{invalid[0].error}</p> : null}
          {tooMany ? <p className="mt-2 text-text-danger">You can invite up to {MAX_INVITES_PER_BATCH} people at a time.</p> : null}

          <div role="tablist" className="mt-6 border-b border-border">
            <span role="tab" aria-selected="true" className="inline-block border-b-2 border-brand px-2 pb-2 font-medium text-link">
              Apps
            </span>
          </div>
          <table className="mt-2 w-full text-left">
            <thead className="text-xs text-text-subtle">
              <tr>
                <th className="py-2 font-semibold">App</th>
                <th className="py-2 font-semibold">Roles</th>
              </tr>
            </thead>
            <tbody>
              <tr className="border-t border-border">
                <td className="py-2">Jira <span className="text-text-subtlest">· {siteName}</span></td>
                <td className="py-2">
                  <label htmlFor="role-jira" className="sr-only">Roles for Jira</label>
                  <select id="role-jira" value={role} onChange={(e) => setRole(e.target.value as JiraRole)} className="rounded border border-border px-2 py-1">
                    {JIRA_ROLES.map((r) => (
                      <option key={r} value={r} disabled={r === 'GUEST' && !!guestUnavailableReason}>
                        {JIRA_ROLE_LABELS[r]}
                      </option>
                    ))}
                  </select>
                  {guestUnavailableReason ? <p className="mt-1 text-xs text-text-subtlest">Guest: {guestUnavailableReason}</p> : null}
                </td>
              </tr>
              {otherApps.map((app) => (
                <tr key={app} className="border-t border-border">
                  <td className="py-2">{app}</td>
                  <td className="py-2">
                    <label htmlFor={`role-${app}`} className="sr-only">Roles for {app}</label>
                    <select id={`role-${app}`} disabled value="none" className="rounded border border-border px-2 py-1">
                      <option value="none">No access</option>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {role === 'GUEST' ? (
            <div className="mt-4">
              <label htmlFor="guest-expires-on" className="mb-1 block text-xs font-semibold text-text-subtle">
                Access expires on
              </label>
              <input id="guest-expires-on" type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)}
                min={guestExpiry.minExpiresOn} max={guestExpiry.maxExpiresOn} aria-describedby="guest-expires-on-help"
                className="rounded border border-border px-2 py-1" />
              <p id="guest-expires-on-help" className="mt-1 text-xs text-text-subtlest">
                On this day (UTC) guests are removed from their space and their access is suspended; you get an email a week before.
                Up to 2 years ahead. Leave it empty for no expiry.
              </p>
            </div>
          ) : null}
          <div className="mt-6 flex gap-2">
            <Button appearance="primary" onClick={next} disabled={pending || parsed.length === 0 || invalid.length > 0 || tooMany}>
              {pending ? 'Checking…' : 'Next'}
            </Button>
            <Link href="/admin/users" className={buttonClass('subtle')}>Cancel</Link>
          </div>
        </section>
      ) : null}

      {step === 1 ? (
        <section aria-labelledby="review-heading">
          <h2 id="review-heading" className="mb-2 text-lg font-semibold">Review your changes</h2>
          <p className="mb-4 text-text-subtle">
            Jira role: <strong>{JIRA_ROLE_LABELS[role]}</strong>
            {role === 'GUEST' ? (
              <> · {expiresOnDay ? <>Access expires on <strong>{formatExpiryDate(expiresOnDay)}</strong></> : <strong>No expiry</strong>}</>
            ) : null}
          </p>
          <table className="w-full text-left">
            <TableHead columns={['Email', 'What will happen']} />
            <tbody>
              {rows.map((row) => (
                <tr key={row.email} className="border-b border-border align-top">
                  <td className="py-2 pr-4">{row.email}</td>
                  <td className="py-2 pr-4">
                    <Lozenge tone={OUTCOME[row.outcome].tone}>{OUTCOME[row.outcome].label}</Lozenge>
                    <p className="mt-1 text-text-subtle">{row.detail}</p>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="mt-4">
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={personalize} onChange={(e) => setPersonalize(e.target.checked)} />
              Personalize email invite
            </label>
            {personalize ? (
              <div className="mt-2">
                <label htmlFor="personal-message" className="mb-1 block text-xs font-semibold text-text-subtle">Personal message</label>
                <textarea id="personal-message" maxLength={MAX_PERSONAL_MESSAGE} rows={3} value={message} onChange={(e) => setMessage(e.target.value)}
                  className="w-full rounded border border-border px-2 py-1.5" />
                <p className="text-xs text-text-subtlest">{message.length}/{MAX_PERSONAL_MESSAGE}</p>
              </div>
            ) : null}
          </div>
          {pending ? <p role="status" className="mt-4 text-text-subtle">Granting access to {actionable.length} {actionable.length === 1 ? 'person' : 'people'}…</p> : null}
          <div className="mt-6 flex gap-2">
            <Button appearance="primary" onClick={submit} disabled={pending || actionable.length === 0}>Grant access</Button>
            <Button appearance="subtle" onClick={() => setStep(0)} disabled={pending}>Back</Button>
          </div>
        </section>
      ) : null}

      {step === 2 ? (
        <section aria-labelledby="done-heading">
          <h2 id="done-heading" className="mb-2 text-lg font-semibold">
            {results.filter((r) => r.result === 'INVITED' || r.result === 'RESENT').length} invitation(s) sent
          </h2>
          <p className="mb-4 text-text-subtle">They appear on the Users page as Invited until they accept.</p>
          <ul className="mb-6 space-y-1">
            {results.map((r) => (
              <li key={r.email}>
                <Lozenge tone={RESULT[r.result].tone}>{RESULT[r.result].label}</Lozenge> {r.email}
                <span className="text-text-subtle"> — {r.detail}</span>
              </li>
            ))}
          </ul>
          <Link href="/admin/users" className={buttonClass('primary')}>Back to Users</Link>
        </section>
      ) : null}
    </div>
  );
}
