import { requireVerificationStep } from '@/lib/security/guard';
import { signOutAction } from '@/app/actions/session';
import { TwoStepFrame } from '@/components/two-step-frame';
import { TwoStepCodeForm } from '@/components/two-step-code-form';
import { reverifyPasswordAction } from '../actions';

export const metadata = { title: 'Verify your identity · Portico' };

/** Session expiration or idle timeout (external users): the password again, then the second factor. */
export default async function VerifyPasswordPage() {
  const viewer = await requireVerificationStep('NEEDS_REAUTH');
  return (
    <TwoStepFrame title="Verify it’s you" email={viewer.email} signOut={signOutAction}>
      <p className="mb-6 text-text-subtle">
        Your organization asks external users to verify their identity regularly. Enter your password to continue.
      </p>
      <TwoStepCodeForm action={reverifyPasswordAction} name="password" label="Password" submitLabel="Continue" next="/verify" />
    </TwoStepFrame>
  );
}
