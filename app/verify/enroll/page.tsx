import { prisma } from '@/lib/db/client';
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
  const viewer = await requireVerificationStep('NEEDS_ENROLLMENT');
  // Read only: "Get a setup key" (a POST) makes the pending secret; reloads show the same one until confirmed.
  const pending = await pendingAuthenticator(prisma, { userId: viewer.userId, email: viewer.email });
  return (
    <TwoStepFrame title="Set up two-step verification" email={viewer.email} signOut={signOutAction}>
      <p className="mb-6 text-text-subtle">
        {viewer.site.name} requires external users to verify their identity with an authenticator app. Set one up to continue.
      </p>
      {pending.state === 'PENDING' ? (
        <TwoStepEnroll qr={<TwoStepQr uri={pending.enrollment.uri} />} manualKey={pending.enrollment.manualKey} uri={pending.enrollment.uri} account={pending.enrollment.account}
          confirm={confirmEnrollmentAction} next="/" />
      ) : pending.state === 'NONE' ? (
        <StartAuthenticatorSetup start={startEnrollmentAction} />
      ) : (
        <p>Your authenticator app is already set up. <a className="text-link underline" href="/verify">Continue</a></p>
      )}
    </TwoStepFrame>
  );
}
