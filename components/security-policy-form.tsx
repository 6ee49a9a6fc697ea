'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import type { PolicyReview } from '@/lib/security/policy';
import { Button } from './button';
import { Lozenge } from './lozenge';
import { TableHead } from './table-head';

type Method = 'NONE' | 'EMAIL_OTP' | 'TOTP';
export type PolicyValues = { twoStepMethod: Method; sessionMaxMinutes: string; idleTimeoutMinutes: string; apiTokens: 'ALLOW' | 'BLOCK' };

type Props = {
  current: PolicyValues;
  durations: { minutes: number; label: string }[];
  methods: { value: Method; label: string; description: string }[];
  review: (input: PolicyValues) => Promise<Result<PolicyReview>>;
  update: (input: PolicyValues & { version: string }) => Promise<Result<string>>;
};

const SELECT = 'rounded border border-border bg-surface px-2 py-1.5';
const formatDay = (d: Date | string | null) =>
  d ? new Date(d).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }) : 'Never';
const TWO_STEP_STATUS = { AUTHENTICATOR: 'Authenticator app', SETTING_UP: 'Setting up', NONE: 'Not set up' } as const;

/**
 * The external-user policy. Nothing is saved until the admin has reviewed who the change affects
 * ("Review external users") and pressed Update; editing a setting again discards the review.
 */
export function SecurityPolicyForm({ current, durations, methods, review, update }: Props) {
  const router = useRouter();
  const id = useId();
  const [values, setValues] = useState<PolicyValues>(current);
  const [reviewed, setReviewed] = useState<PolicyReview | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const changed = JSON.stringify(values) !== JSON.stringify(current);
  const set = <K extends keyof PolicyValues>(key: K, value: PolicyValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setReviewed(null);
    setMessage(null);
  };

  return (
    <div>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          start(async () => {
            setMessage(null);
            const result = await review(values);
            if (!result.ok) return setMessage({ ok: false, text: result.message });
            setReviewed(result.data);
          });
        }}
        className="space-y-6"
      >
        <fieldset>
          <legend className="mb-1 text-lg font-semibold">Two-step verification</legend>
          <p className="mb-2 text-text-subtle">How external users verify their identity after their password.</p>
          {methods.map((m) => (
            <label key={m.value} className="mb-2 flex items-start gap-2">
              <input type="radio" name="twoStepMethod" value={m.value} checked={values.twoStepMethod === m.value} onChange={() => set('twoStepMethod', m.value)} className="mt-1" />
              <span>
                <span className="font-medium">{m.label}</span>
                <span className="block text-sm text-text-subtle">{m.description}</span>
              </span>
            </label>
          ))}
        </fieldset>

        <div className="grid max-w-xl grid-cols-2 gap-6">
          <div>
            <label htmlFor={`${id}-session`} className="mb-1 block text-lg font-semibold">Session expiration</label>
            <p className="mb-2 text-sm text-text-subtle">After this, external users verify their identity again.</p>
            <select id={`${id}-session`} value={values.sessionMaxMinutes} onChange={(e) => set('sessionMaxMinutes', e.target.value)} className={SELECT}>
              {durations.map((d) => <option key={d.minutes} value={String(d.minutes)}>{d.label}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-idle`} className="mb-1 block text-lg font-semibold">Idle session timeout</label>
            <p className="mb-2 text-sm text-text-subtle">Without activity for this long, they verify again.</p>
            <select id={`${id}-idle`} value={values.idleTimeoutMinutes} onChange={(e) => set('idleTimeoutMinutes', e.target.value)} className={SELECT}>
              <option value="OFF">Off</option>
              {durations.map((d) => <option key={d.minutes} value={String(d.minutes)}>{d.label}</option>)}
            </select>
          </div>
        </div>

        <fieldset>
          <legend className="mb-1 text-lg font-semibold">API token access</legend>
          <p className="mb-2 text-text-subtle">Whether external users’ API tokens work with the REST API.</p>
          <div className="flex gap-6">
            {(['ALLOW', 'BLOCK'] as const).map((v) => (
              <label key={v} className="flex items-center gap-2">
                <input type="radio" name="apiTokens" value={v} checked={values.apiTokens === v} onChange={() => set('apiTokens', v)} />
                {v === 'ALLOW' ? 'Allow' : 'Block'}
              </label>
            ))}
          </div>
        </fieldset>

        {!reviewed ? (
          <div className="flex gap-2">
            <Button type="submit" appearance="primary" disabled={pending || !changed}>Review external users</Button>
            {changed ? <Button appearance="subtle" onClick={() => { setValues(current); setReviewed(null); }}>Discard changes</Button> : null}
          </div>
        ) : null}
      </form>

      {message ? (
        <p role={message.ok ? 'status' : 'alert'} className={`mt-4 rounded px-3 py-2 ${message.ok ? 'bg-success-subtle text-text-success' : 'bg-danger-subtle text-text-danger'}`}>
          {message.text}
        </p>
      ) : null}

      {reviewed ? (
        <section aria-labelledby={`${id}-review`} className="mt-8 rounded border border-border p-6">
          <h2 id={`${id}-review`} className="mb-2 text-xl font-semibold">Review external users</h2>
          <ul className="mb-4 list-disc pl-5 text-text-subtle">
            {reviewed.changes.map((c) => <li key={c.setting}>{c.setting}: {c.before} → <strong className="text-text">{c.after}</strong></li>)}
          </ul>
          {reviewed.summary.length ? (
            <ul aria-label="What this change does" className="mb-4 space-y-1">
              {reviewed.summary.map((s) => <li key={s} className="rounded bg-warning-subtle px-3 py-2 text-text-warning">{s}.</li>)}
            </ul>
          ) : (
            <p className="mb-4 text-text-subtle">No external users are affected by this change.</p>
          )}
          {reviewed.affected.length ? (
            <div className="mb-6 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="mb-2 text-left text-text-subtle">
                  {reviewed.affected.length} of {reviewed.totalExternalUsers} external user{reviewed.totalExternalUsers === 1 ? '' : 's'} affected
                </caption>
                <TableHead columns={['Name', 'Email', 'Space', 'Last active', 'Two-step verification', 'API tokens in use', 'What changes for them']} />
                <tbody>
                  {reviewed.affected.map((u) => (
                    <tr key={u.id} className="border-b border-border align-top">
                      <td className="py-2 pr-4">{u.name}</td>
                      <td className="py-2 pr-4">{u.email}</td>
                      <td className="py-2 pr-4">{u.space ?? '—'}</td>
                      <td className="py-2 pr-4">{formatDay(u.lastActiveAt)}</td>
                      <td className="py-2 pr-4">{u.twoStep === 'AUTHENTICATOR' ? <Lozenge tone="success">{TWO_STEP_STATUS[u.twoStep]}</Lozenge> : TWO_STEP_STATUS[u.twoStep]}</td>
                      <td className="py-2 pr-4">{u.apiTokensInUse}</td>
                      <td className="py-2"><ul>{u.effects.map((e) => <li key={e}>{e}</li>)}</ul></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <div className="flex gap-2">
            <Button appearance="primary" disabled={pending} onClick={() =>
              start(async () => {
                const result = await update({ ...values, version: reviewed.version });
                if (!result.ok) {
                  setReviewed(null);
                  return setMessage({ ok: false, text: result.message });
                }
                setReviewed(null);
                setMessage({ ok: true, text: result.data });
                router.refresh();
              })
            }>Update</Button>
            <Button appearance="subtle" disabled={pending} onClick={() => setReviewed(null)}>Cancel</Button>
          </div>
        </section>
      ) : null}
    </div>
  );
}
