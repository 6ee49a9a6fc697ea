import { prisma } from '@/lib/db/client';
import { can, type Viewer } from '@/lib/access/policy';
import { twoStepStatusFor } from '@/lib/security/authenticator';
import { resetTwoStepAction } from '@/app/(site)/admin/security/external-users/actions';
import { ConfirmAction } from './confirm-action';
import { Lozenge } from './lozenge';

const formatWhen = (d: Date | null) => (d ? `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC` : 'Never');

/** A user's profile: their two-step verification status, last verification, and the admin's reset. */
export async function TwoStepAdmin({ viewer, userId, name }: { viewer: Viewer; userId: string; name: string }) {
  const status = await twoStepStatusFor(prisma, viewer, userId);
  if (!status) return null;
  const canReset = can(viewer, 'admin.security.manage') && userId !== viewer.userId && status.authenticator !== 'OFF';
  return (
    <section aria-labelledby="two-step-admin-heading" className="mb-8">
      <div className="mb-2 flex items-center justify-between">
        <h2 id="two-step-admin-heading" className="text-lg font-semibold">Two-step verification</h2>
        {canReset ? (
          <ConfirmAction trigger="Reset two-step verification" triggerAppearance="default" title={`Reset ${name}’s two-step verification?`}
            confirmLabel="Reset" appearance="danger" action={resetTwoStepAction} input={{ userId }}
            body={<p>Their authenticator app and recovery codes stop working. If two-step verification is required of them, they set it up again at their next sign-in.</p>} />
        ) : null}
      </div>
      <dl className="grid grid-cols-[10rem_1fr] gap-y-2">
        <dt className="text-text-subtle">Status</dt>
        <dd>
          {status.authenticator === 'ON' ? (
            <><Lozenge tone="success">On</Lozenge> Authenticator app since {formatWhen(status.enabledAt)} · {status.recoveryCodesLeft} recovery codes left</>
          ) : status.authenticator === 'SETTING_UP' ? (
            <Lozenge tone="information">Setting up</Lozenge>
          ) : (
            <Lozenge>Off</Lozenge>
          )}
        </dd>
        <dt className="text-text-subtle">Last verified</dt><dd>{formatWhen(status.lastVerifiedAt)}</dd>
        <dt className="text-text-subtle">Last second factor</dt><dd>{formatWhen(status.lastSecondFactorAt)}</dd>
      </dl>
    </section>
  );
}
