import { prisma } from '@/lib/db/client';
import { requireVerificationStep } from '@/lib/security/guard';
import { ensurePendingAuthenticator } from '@/lib/security/authenticator';
import { signOutAction } from '@/app/actions/session';
import { TwoStepFrame } from '@/components/two-step-frame';
import { TwoStepEnroll } from '@/components/two-step-enroll';
import { TwoStepQr } from '@/components/two-step-qr';
import { confirmEnrollmentAction } from '../actions';

export const metadata = { title: 'Set up two-step verification · Portico' };

/** "Authenticator app required" and none set up: enrollment before anything else. */
export default async function VerifyEnrollPage() {
  const viewer = await requireVerificationStep('NEEDS_ENROLLMENT');
  // The pending secret is made on first view and shown again on reload, until confirmed.
  const enrollment = await ensurePendingAuthenticator(prisma, { userId: viewer.userId, email: viewer.email });
  return (
    <TwoStepFrame title="Set up two-step verification" email={viewer.email} signOut={signOutAction}>
      <p className="mb-6 text-text-subtle">
        {viewer.site.name} requires external users to verify their identity with an authenticator app. Set one up to continue.
      </p>
      {enrollment ? (
        <TwoStepEnroll qr={<TwoStepQr uri={enrollment.uri} />} manualKey={enrollment.manualKey} uri={enrollment.uri} account={enrollment.account}
          confirm={confirmEnrollmentAction} next="/" />
      ) : (
        <p>Your authenticator app is already set up. <a className="text-link underline" href="/verify">Continue</a></p>
      )}
    </TwoStepFrame>
  );
}
