import { redirect } from 'next/navigation';
import { requireVerificationStep } from '@/lib/security/guard';
import { verifyPath } from '@/lib/security/verification';

export const metadata = { title: 'Verify your identity · Portico' };

/** Where a session whose verification is pending goes: the step it is at. */
export default async function VerifyPage() {
  const viewer = await requireVerificationStep('ANY');
  redirect(verifyPath(viewer.verification!, viewer.secondFactor ?? null));
}
