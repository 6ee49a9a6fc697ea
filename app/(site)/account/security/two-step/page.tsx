import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { authenticatorRequiredFor, canManageOwnTwoStep, ownTwoStepStatus } from '@/lib/security/authenticator';
import { NoAccess } from '@/components/no-access';
import { Lozenge } from '@/components/lozenge';
import { buttonClass } from '@/components/button';
import { TwoStepManage } from '@/components/two-step-manage';
import { regenerateRecoveryCodesAction, turnOffAuthenticatorAction } from './actions';

export const metadata = { title: 'Two-step verification · Security · Account settings · Portico' };

const formatDate = (d: Date) => d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

export default async function TwoStepPage() {
  const viewer = await requireViewer();
  if (!canManageOwnTwoStep(viewer)) return <main><NoAccess /></main>;
  const [status, required] = await Promise.all([ownTwoStepStatus(prisma, viewer), authenticatorRequiredFor(prisma, viewer)]);
  return (
    <main className="max-w-3xl px-10 py-8">
      <nav aria-label="Breadcrumbs">
        <ol className="flex flex-wrap items-center gap-1 text-text-subtle">
          <li>Account settings</li>
          <li aria-hidden="true">/</li>
          <li>Security</li>
        </ol>
      </nav>
      <h1 className="mt-2 mb-4 text-2xl font-semibold">Two-step verification</h1>
      <p className="mb-6 text-text-subtle">
        With two-step verification on, logging in needs your password and a code from an authenticator app on your phone, so a stolen
        password alone isn’t enough. <Link href="/account/security/api-tokens" className="text-link underline">API tokens</Link> are
        not affected.
      </p>
      {status.authenticator === 'ON' ? (
        <>
          <p className="mb-2">
            <Lozenge tone="success">On</Lozenge> Authenticator app{status.enabledAt ? `, since ${formatDate(status.enabledAt)}` : ''}.
          </p>
          <p className="mb-6 text-text-subtle">Recovery codes left: {status.recoveryCodesLeft} of 10.</p>
          <TwoStepManage regenerate={regenerateRecoveryCodesAction} turnOff={turnOffAuthenticatorAction}
            turnOffRefusal={required ? 'Your organization requires external users to use an authenticator app, so you can’t turn it off.' : null} />
        </>
      ) : (
        <>
          <p className="mb-4"><Lozenge>Off</Lozenge> No authenticator app is set up.</p>
          <Link href="/account/security/two-step/setup" className={buttonClass('primary')}>
            {status.authenticator === 'SETTING_UP' ? 'Continue setting up' : 'Set up authenticator app'}
          </Link>
        </>
      )}
    </main>
  );
}
