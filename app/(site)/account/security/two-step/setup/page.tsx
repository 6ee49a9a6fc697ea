import { redirect } from 'next/navigation';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { canManageOwnTwoStep, ensurePendingAuthenticator } from '@/lib/security/authenticator';
import { NoAccess } from '@/components/no-access';
import { TwoStepEnroll } from '@/components/two-step-enroll';
import { TwoStepQr } from '@/components/two-step-qr';
import { turnOnAuthenticatorAction } from '../actions';

export const metadata = { title: 'Set up an authenticator app · Account settings · Portico' };

export default async function TwoStepSetupPage() {
  const viewer = await requireViewer();
  if (!canManageOwnTwoStep(viewer)) return <main><NoAccess /></main>;
  const enrollment = await ensurePendingAuthenticator(prisma, { userId: viewer.userId, email: viewer.email });
  if (!enrollment) redirect('/account/security/two-step');
  return (
    <main className="max-w-2xl px-10 py-8">
      <h1 className="mb-4 text-2xl font-semibold">Set up an authenticator app</h1>
      <TwoStepEnroll qr={<TwoStepQr uri={enrollment.uri} />} manualKey={enrollment.manualKey} uri={enrollment.uri} account={enrollment.account}
        confirm={turnOnAuthenticatorAction} askPassword next="/account/security/two-step" />
    </main>
  );
}
