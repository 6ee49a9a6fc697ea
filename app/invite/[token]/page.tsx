import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { getViewer } from '@/lib/auth';
import { describeInvitation, invitationStateMessage } from '@/lib/invitations/accept';
import { JIRA_ROLE_LABELS } from '@/lib/invitations/invite-users.schema';
import { CenteredCard } from '@/components/centered-card';
import { InviteAcceptForm } from '@/components/invite-accept-form';
import { buttonClass } from '@/components/button';
import { acceptInviteAction, signOutForInviteAction } from './actions';

// The token is in the URL: never leak it to other sites through the Referer header.
export const metadata = { title: 'Invitation · Portico', referrer: 'no-referrer' };

const formatDate = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await describeInvitation(prisma, token);
  if (view.state !== 'VALID') {
    const titles = { UNKNOWN: 'This invitation link isn’t valid', EXPIRED: 'This invitation has expired', REVOKED: 'This invitation was revoked', USED: 'This invitation has already been used' };
    return (
      <CenteredCard>
        <h1 className="mb-3 text-xl font-semibold">{titles[view.state]}</h1>
        <p className="mb-6 text-text-subtle">{invitationStateMessage(view.state)}</p>
        <p className="text-text-subtle">
          Already have an account? <Link className="text-link underline" href="/login?callbackUrl=%2Frequest-access">Log in and request access</Link>.
        </p>
      </CenteredCard>
    );
  }
  const viewer = await getViewer();
  if (viewer && viewer.email !== view.email) {
    return (
      <CenteredCard>
        <h1 className="mb-3 text-xl font-semibold">This invitation is for {view.email}</h1>
        <p className="mb-6 text-text-subtle">You’re logged in as {viewer.email}. Log out, then open the invitation link again to accept it as {view.email}.</p>
        <form action={signOutForInviteAction}>
          <input type="hidden" name="token" value={token} />
          <button type="submit" className={buttonClass('primary')}>Log out</button>
        </form>
      </CenteredCard>
    );
  }
  return (
    <CenteredCard>
      <h1 className="mb-2 text-xl font-semibold">Join {view.siteName}</h1>
      <p className="mb-4 text-text-subtle">
        {view.inviterName ?? 'A site admin'} invited you to {view.siteName} as a <strong>{JIRA_ROLE_LABELS[view.role]}</strong> in Jira.
        {view.spaceName ? <> You&apos;ll join the <strong>{view.spaceName}</strong> space.</> : null}
      </p>
      {view.personalMessage ? (
        <blockquote className="mb-4 border-l-4 border-border pl-3 whitespace-pre-line text-text-subtle">{view.personalMessage}</blockquote>
      ) : null}
      <p className="mb-6 text-xs text-text-subtlest">Invitation for {view.email} · expires on {formatDate(view.expiresAt)}</p>
      <InviteAcceptForm token={token} action={acceptInviteAction} />
    </CenteredCard>
  );
}
