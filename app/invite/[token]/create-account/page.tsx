import { redirect } from 'next/navigation';
import { prisma } from '@/lib/db/client';
import { describeInvitation } from '@/lib/invitations/accept';
import { CenteredCard } from '@/components/centered-card';
import { CreateAccountForm } from '@/components/create-account-form';
import { createAccountAction } from '../actions';

export const metadata = { title: 'Create your account · Portico', referrer: 'no-referrer' };

export default async function CreateAccountPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await describeInvitation(prisma, token);
  if (view.state !== 'VALID' || view.accountExists) redirect(`/invite/${token}`);
  return (
    <CenteredCard>
      <h1 className="mb-2 text-xl font-semibold">Create your account</h1>
      <p className="mb-6 text-text-subtle">to join {view.siteName}</p>
      <CreateAccountForm token={token} email={view.email} action={createAccountAction} />
    </CenteredCard>
  );
}
