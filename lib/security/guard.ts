import 'server-only';
import { redirect } from 'next/navigation';
import { getViewer } from '../auth';
import { homePath, isVerified, type Viewer } from '../access/policy';
import { verifyPath } from './verification';

/**
 * The /verify pages: the signed-in viewer whose session is at `step` (their own verification is
 * pending). Signed out → /login; verified → their home page (`orJustVerified`: returned, for the
 * page to decide); at another step → that step's page.
 */
export async function requireVerificationStep(
  step: 'NEEDS_REAUTH' | 'NEEDS_2SV:TOTP' | 'NEEDS_2SV:EMAIL_OTP' | 'NEEDS_ENROLLMENT' | 'ANY',
  { orJustVerified = false }: { orJustVerified?: boolean } = {},
): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (isVerified(viewer)) {
    if (orJustVerified) return viewer;
    redirect(homePath(viewer));
  }
  const state = viewer.verification!;
  const at = state === 'NEEDS_2SV' ? `NEEDS_2SV:${viewer.secondFactor}` : state;
  if (step !== 'ANY' && at !== step) redirect(verifyPath(state, viewer.secondFactor ?? null));
  return viewer;
}
