import { prisma } from '@/lib/db/client';
import { requireVerificationStep } from '@/lib/security/guard';
import { maskEmail, pendingPasscode, PASSCODE_TTL_MINUTES } from '@/lib/security/email-passcode';
import { signOutAction } from '@/app/actions/session';
import { TwoStepFrame } from '@/components/two-step-frame';
import { TwoStepEmailStep } from '@/components/two-step-email-step';
import { sendEmailPasscodeAction, verifyEmailPasscodeAction } from '../actions';

export const metadata = { title: 'Verify your identity · Portico' };

/** "One-time passcode by email": send a code to the account's address, then enter it. */
export default async function VerifyEmailPage() {
  const viewer = await requireVerificationStep('NEEDS_2SV:EMAIL_OTP');
  const pending = await pendingPasscode(prisma, viewer.userId);
  return (
    <TwoStepFrame title="Verify your identity" email={viewer.email} signOut={signOutAction}>
      <p className="mb-6 text-text-subtle">
        {viewer.site.name} requires external users to verify their identity with a one-time passcode. We’ll email a 6-digit code to{' '}
        <strong>{maskEmail(viewer.email)}</strong>. It works once, for {PASSCODE_TTL_MINUTES} minutes.
      </p>
      <TwoStepEmailStep send={sendEmailPasscodeAction} verify={verifyEmailPasscodeAction}
        sentAt={pending ? pending.createdAt.toISOString() : null} />
    </TwoStepFrame>
  );
}
