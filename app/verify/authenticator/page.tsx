import { requireVerificationStep } from '@/lib/security/guard';
import { signOutAction } from '@/app/actions/session';
import { TwoStepFrame } from '@/components/two-step-frame';
import { TwoStepAuthenticatorStep } from '@/components/two-step-authenticator-step';
import { verifyAuthenticatorAction } from '../actions';

export const metadata = { title: 'Two-step verification · Portico' };

export default async function VerifyAuthenticatorPage() {
  const viewer = await requireVerificationStep('NEEDS_2SV:TOTP');
  return (
    <TwoStepFrame title="Two-step verification" email={viewer.email} signOut={signOutAction}>
      <TwoStepAuthenticatorStep action={verifyAuthenticatorAction} />
    </TwoStepFrame>
  );
}
