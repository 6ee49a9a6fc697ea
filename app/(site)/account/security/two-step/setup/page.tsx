import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { canManageOwnTwoStep, pendingAuthenticator } from '@/lib/security/authenticator';
import { NoAccess } from '@/components/no-access';
import { TwoStepEnroll } from '@/components/two-step-enroll';
import { TwoStepQr } from '@/components/two-step-qr';
import { StartAuthenticatorSetup } from '@/components/start-authenticator-setup';
import { startAuthenticatorSetupAction, turnOnAuthenticatorAction } from '../actions';

export const metadata = { title: 'Set up an authenticator app · Account settings · Portico' };

export default async function TwoStepSetupPage() {
  const viewer = await requireViewer();
  if (!canManageOwnTwoStep(viewer)) return <main><NoAccess /></main>;
  // Read only: "Get a setup key" (a POST) makes the pending secret.
  const pending = await pendingAuthenticator(prisma, { userId: viewer.userId, email: viewer.email });
  // Set up already: the page says so (no redirect: "Verify and turn on" renews the session cookie,
  // which re-renders this page while the recovery codes are on screen; they must stay).
  return (
    <main className="max-w-2xl px-10 py-8">
      <h1 className="mb-4 text-2xl font-semibold">Set up an authenticator app</h1>
      {pending.state !== 'NONE' ? (
        <TwoStepEnroll setup={pending.state === 'PENDING' ? { qr: <TwoStepQr uri={pending.enrollment.uri} />, ...pending.enrollment } : null}
          confirm={turnOnAuthenticatorAction} askPassword next="/account/security/two-step" />
      ) : (
        <StartAuthenticatorSetup start={startAuthenticatorSetupAction} />
      )}
    </main>
  );
}
