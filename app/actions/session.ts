'use server';

import { signOut } from '@/lib/auth';

/** Ends the caller's own session (the server-side row is revoked in lib/auth's signOut event). */
export async function signOutAction() {
  await signOut({ redirectTo: '/login' });
}
