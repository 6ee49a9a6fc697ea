import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { safeReturnPath } from '@/lib/safe-redirect';
import { LoginForm } from '@/components/login-form';
import { signInAction } from './actions';

export const metadata = { title: 'Log in · Portico' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  if (await getViewer()) redirect(safeReturnPath(callbackUrl));
  return (
    <main className="flex min-h-screen items-start justify-center bg-sunken pt-24">
      <div className="w-full max-w-sm rounded-md bg-surface p-8 shadow-md">
        <h1 className="mb-6 text-center text-xl font-semibold">Log in to continue</h1>
        <LoginForm action={signInAction} callbackUrl={safeReturnPath(callbackUrl)} />
      </div>
    </main>
  );
}
