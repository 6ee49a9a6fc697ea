'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { signIn } from '@/lib/auth';
import { safeReturnPath } from '@/lib/safe-redirect';

const SignInInput = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').max(254, 'That email address is too long.'),
  password: z.string().min(1, 'Enter your password.').max(1024, 'That password is too long.'),
  callbackUrl: z.string().optional(),
});

export type SignInState = { error?: string; email?: string };

export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = SignInInput.safeParse(Object.fromEntries(formData));
  const email = typeof formData.get('email') === 'string' ? String(formData.get('email')).slice(0, 254) : '';
  if (!parsed.success) return { error: parsed.error.issues[0].message, email };
  try {
    await signIn('credentials', {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeReturnPath(parsed.data.callbackUrl),
    });
    return {};
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      const messages: Record<string, string> = {
        throttled: 'Too many sign-in attempts. Wait 15 minutes and try again.',
        suspended: 'Your access to this site has been suspended. Contact your site admin.',
      };
      return { email, error: messages[code ?? ''] ?? 'Incorrect email address or password.' };
    }
    throw error; // the redirect after a successful sign-in
  }
}
