import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { DURATION_OPTIONS, getExternalPolicy, listExternalUsers, TWO_STEP_LABELS, TWO_STEP_STATUS_LABELS } from '@/lib/security/policy';
import { NoAccess } from '@/components/no-access';
import { ConfirmAction } from '@/components/confirm-action';
import { Lozenge } from '@/components/lozenge';
import { buttonClass } from '@/components/button';
import { SecurityPolicyForm } from '@/components/security-policy-form';
import { resetSessionsAction, reviewPolicyChangeAction, updatePolicyAction } from './actions';
import { formatUtcDate } from '@/lib/dates';
import { TableHead } from '@/components/table-head';

export const metadata = { title: 'External users · Settings · Portico' };

const formatDay = (d: Date | null) => (d ? formatUtcDate(d) : 'Never');
const formatWhen = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

const METHODS = [
  { value: 'NONE' as const, label: TWO_STEP_LABELS.NONE, description: 'External users access your organization with their password only.' },
  { value: 'EMAIL_OTP' as const, label: TWO_STEP_LABELS.EMAIL_OTP, description: 'After their password, external users enter a 6-digit code we email them. Those with an authenticator app use it instead.' },
  { value: 'TOTP' as const, label: TWO_STEP_LABELS.TOTP, description: 'External users must set up an authenticator app at their next sign-in and enter its code every time.' },
];

export default async function ExternalUsersPage() {
  const viewer = await viewerWith('admin.security.manage');
  if (!viewer) return <NoAccess />;
  const [policy, users] = await Promise.all([getExternalPolicy(prisma, viewer), listExternalUsers(prisma, viewer)]);
  return (
    <div className="max-w-5xl">
      <div className="mb-2 flex items-start justify-between gap-4">
        <h1 className="text-2xl font-semibold">External users</h1>
        <div className="flex gap-2">
          <a href="/admin/security/external-users/export" className={buttonClass('default')} download>Export external users</a>
          <ConfirmAction trigger="Reset sessions" triggerAppearance="default" title="Reset sessions for external users?" confirmLabel="Reset sessions" appearance="danger"
            body={<p>Every external user is logged out now and has to log in (and verify) again. Internal users stay logged in.</p>}
            action={resetSessionsAction} input={{}} />
        </div>
      </div>
      <p className="mb-6 max-w-3xl text-text-subtle">
        Security settings for people outside your organization’s verified domains. Changes apply from each external user’s next request.
        {policy.updatedAt ? ` Last changed ${formatWhen(policy.updatedAt)}.` : ''}
        {policy.sessionsResetAt ? ` Sessions last reset ${formatWhen(policy.sessionsResetAt)}.` : ''}
      </p>

      <SecurityPolicyForm
        current={{
          twoStepMethod: policy.twoStepMethod,
          sessionMaxMinutes: String(policy.sessionMaxMinutes),
          idleTimeoutMinutes: policy.idleTimeoutMinutes === null ? 'OFF' : String(policy.idleTimeoutMinutes),
          apiTokens: policy.apiTokensAllowed ? 'ALLOW' : 'BLOCK',
        }}
        durations={DURATION_OPTIONS}
        methods={METHODS}
        review={reviewPolicyChangeAction}
        update={updatePolicyAction}
      />

      <h2 className="mt-10 mb-2 text-lg font-semibold">External users on {viewer.site.name} ({users.length})</h2>
      {users.length === 0 ? (
        <p className="text-text-subtle">No external users yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <TableHead columns={['Name', 'Email', 'Space', 'Last active', 'Two-step verification', 'Last verified', 'API tokens in use']} />
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-b border-border">
                <td className="py-2 pr-4">
                  <a href={`/admin/users/${u.id}`} className="text-link hover:underline">{u.name}</a> {u.suspended ? <Lozenge tone="danger">Suspended</Lozenge> : null}
                </td>
                <td className="py-2 pr-4">{u.email}</td>
                <td className="py-2 pr-4">{u.space ?? '—'}</td>
                <td className="py-2 pr-4">{formatDay(u.lastActiveAt)}</td>
                <td className="py-2 pr-4">{TWO_STEP_STATUS_LABELS[u.twoStep]}</td>
                <td className="py-2 pr-4">{formatDay(u.lastVerifiedAt)}</td>
                <td className="py-2 pr-4">{u.apiTokensInUse}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
