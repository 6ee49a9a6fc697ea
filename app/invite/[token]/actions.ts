'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { AuthError } from 'next-auth';
import { prisma } from '@/lib/db/client';
import { getViewer, requestInfo, signIn, signOut } from '@/lib/auth';
import { acceptInvitationAsUser, acceptInvitationWithNewAccount, describeInvitation } from '@/lib/invitations/accept';
import { DomainError } from '@/lib/result';
import { PASSWORD_MIN_LENGTH } from '@/lib/auth/password';

// The token in the link is the capability here: these actions work signed out, and each checks the
// invitation (and, when signed in, that it is addressed to this account) in lib/invitations.
const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This invitation link isn't valid.");

export type AcceptState = { error?: string };

/** "Accept invite": signed in → accept now; otherwise create an account or sign in first. */
export async function acceptInviteAction(_state: AcceptState, formData: FormData): Promise<AcceptState> {
  const token = Token.safeParse(formData.get('token'));
  if (!token.success) return { error: token.error.issues[0].message };
  const path = `/invite/${token.data}`;
  const viewer = await getViewer();
  if (!viewer) {
    const view = await describeInvitation(prisma, token.data);
    if (view.state !== 'VALID') redirect(path);
    redirect(view.accountExists ? `/login?callbackUrl=${encodeURIComponent(path)}` : `${path}/create-account`);
  }
  try {
    await acceptInvitationAsUser(prisma, token.data, viewer.userId, await requestInfo());
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message };
    throw error;
  }
  redirect('/');
}

const CreateAccountInput = z.object({
  token: Token,
  name: z.string().trim().min(1, 'Enter your full name.').max(100, 'Keep your name under 100 characters.'),
  password: z.string().min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`).max(256, 'Use at most 256 characters.'),
});

export type CreateAccountState = { error?: string; fieldErrors?: Record<string, string>; name?: string };

export async function createAccountAction(_state: CreateAccountState, formData: FormData): Promise<CreateAccountState> {
  const parsed = CreateAccountInput.safeParse(Object.fromEntries(formData));
  const name = String(formData.get('name') ?? '').slice(0, 100);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return { error: parsed.error.issues[0].message, fieldErrors, name };
  }
  let email: string;
  try {
    ({ email } = await acceptInvitationWithNewAccount(prisma, parsed.data.token, { name: parsed.data.name, password: parsed.data.password }, await requestInfo()));
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message, name };
    throw error;
  }
  try {
    await signIn('credentials', { email, password: parsed.data.password, redirectTo: '/' });
  } catch (error) {
    if (error instanceof AuthError) redirect('/login');
    throw error;
  }
  return {};
}

/** "Not you?": sign out and come back to the invitation. */
export async function signOutForInviteAction(formData: FormData) {
  const token = Token.safeParse(formData.get('token'));
  await signOut({ redirectTo: token.success ? `/invite/${token.data}` : '/login' });
}
