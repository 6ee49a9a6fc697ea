import { redirect } from 'next/navigation';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { homePath } from '@/lib/access/policy';
import { myAccessRequest, MAX_REQUEST_NOTE } from '@/lib/requests/access-requests';
import { EmptyState } from '@/components/empty-state';
import { ActionForm } from '@/components/action-form';
import { requestAccessAction } from './actions';

export const metadata = { title: 'Request access · Portico' };

export default async function RequestAccessPage() {
  const viewer = await requireViewer();
  if (viewer.siteAccess) redirect(homePath(viewer));
  const request = await myAccessRequest(prisma, viewer);
  return (
    <main>
      <EmptyState title={`You don't have access to ${viewer.site.name}`}>
        <p>You&apos;re signed in as {viewer.email}.</p>
        {request?.state === 'PENDING' ? (
          <p className="mt-4 rounded bg-information-subtle px-3 py-2 text-text-information">
            You requested access on {request.createdAt.toISOString().slice(0, 10)}. A site admin will review your request.
          </p>
        ) : request?.state === 'DENIED' ? (
          <p className="mt-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">
            A site admin declined your request{request.decisionMessage ? `: “${request.decisionMessage}”` : '.'}
          </p>
        ) : (
          <div className="mt-6 text-left">
            <ActionForm action={requestAccessAction} fields={{}} label="Request access" appearance="primary">
              <label htmlFor="note" className="mb-1 block text-xs font-semibold text-text-subtle">Note to the site admins (optional)</label>
              <textarea id="note" name="note" maxLength={MAX_REQUEST_NOTE} rows={3} className="mb-3 w-full rounded border border-border px-2 py-1.5" />
            </ActionForm>
          </div>
        )}
      </EmptyState>
    </main>
  );
}
