import { prisma } from '@/lib/db/client';
import { redirect } from 'next/navigation';
import { homePath, isVerified } from '@/lib/access/policy';
import { requireVerificationStep } from '@/lib/security/guard';
import { pendingAuthenticator } from '@/lib/security/authenticator';
import { signOutAction } from '@/app/actions/session';
import { TwoStepFrame } from '@/components/two-step-frame';
import { TwoStepEnroll } from '@/components/two-step-enroll';
import { TwoStepQr } from '@/components/two-step-qr';
import { StartAuthenticatorSetup } from '@/components/start-authenticator-setup';
import { confirmEnrollmentAction, startEnrollmentAction } from '../actions';

export const metadata = { title: 'Set up two-step verification · Portico' };

/** "Authenticator app required" and none set up: enrollment before anything else. */
export default async function VerifyEnrollPage() {
  const viewer = await requireVerificationStep('NEEDS_ENROLLMENT', { orJustVerified: true });
  // Read only: "Get a setup key" (a POST) makes the pending secret; reloads show the same one until confirmed.
  const pending = await pendingAuthenticator(prisma, { userId: viewer.userId, email: viewer.email });
  // Verified: only a session that has set up its app stays (confirming re-renders this page under
  // the renewed session cookie, with the recovery codes on screen); anyone else goes home.
  const done = isVerified(viewer);
  if (done && pending.state !== 'CONFIRMED') redirect(homePath(viewer));
  return (
    <TwoStepFrame title="Set up two-step verification" email={viewer.email} signOut={signOutAction}>
      <p className="mb-6 text-text-subtle">
        {viewer.site.name} requires external users to verify their identity with an authenticator app. Set one up to continue.
      </p>
      {pending.state === 'PENDING' || done ? (
        <TwoStepEnroll setup={pending.state === 'PENDING' ? { qr: <TwoStepQr uri={pending.enrollment.uri} />, ...pending.enrollment } : null}
          confirm={confirmEnrollmentAction} next="/" />
      ) : pending.state === 'NONE' ? (
        <StartAuthenticatorSetup start={startEnrollmentAction} />
      ) : (
        <p>Your authenticator app is already set up. <a className="text-link underline" href="/verify">Continue</a></p>
      )}
    </TwoStepFrame>
  );
}
