import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import {
  API_TOKEN_DEFAULT_DAYS,
  API_TOKEN_MAX_DAYS,
  API_TOKEN_MIN_DAYS,
  API_TOKEN_NAME_MAX,
  API_TOKENS_BLOCKED_MESSAGE,
  apiTokensBlockedFor,
  canManageOwnApiTokens,
  listApiTokens,
} from '@/lib/api-tokens';
import { NoAccess } from '@/components/no-access';
import { CredentialCreate } from '@/components/credential-create';
import { ApiTokenTable } from '@/components/api-token-table';
import { createApiTokenAction, revokeApiTokenAction } from './actions';

export const metadata = { title: 'API tokens · Security · Account settings · Portico' };

export default async function ApiTokensPage() {
  const viewer = await requireViewer();
  if (!canManageOwnApiTokens(viewer)) return <main><NoAccess /></main>;
  const [tokens, blocked] = await Promise.all([
    listApiTokens(prisma, viewer),
    apiTokensBlockedFor(prisma, { external: viewer.external, siteId: viewer.site.id }),
  ]);
  return (
    <main className="max-w-4xl px-10 py-8">
      <nav aria-label="Breadcrumbs">
        <ol className="flex flex-wrap items-center gap-1 text-text-subtle">
          <li>Account settings</li>
          <li aria-hidden="true">/</li>
          <li>Security</li>
        </ol>
      </nav>
      <div className="mt-2 mb-4 flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">API tokens</h1>
        <CredentialCreate create={createApiTokenAction}
          texts={{
            createButton: 'Create API token',
            createTitle: 'Create an API token',
            copyTitle: 'Copy your API token',
            copyNote: 'Make sure you copy your new API token now.',
            valueLabel: 'Your API token',
            nameHint: 'Choose a name that says what the token is for, e.g. "Release script".',
          }} maxName={API_TOKEN_NAME_MAX} minDays={API_TOKEN_MIN_DAYS}
          maxDays={API_TOKEN_MAX_DAYS} defaultDays={API_TOKEN_DEFAULT_DAYS} />
      </div>
      <p className="mb-4 max-w-2xl text-text-subtle">
        Scripts and other apps use an API token to call the REST API as you, with HTTP basic authentication: your email address
        ({viewer.email}) as the user name and the token as the password. A token can do exactly what you can do at the moment it is
        used, nothing more. Keep it secret, and revoke it when you no longer need it.
      </p>
      {blocked ? (
        <p role="note" className="mb-4 rounded bg-warning-subtle px-3 py-2 text-text-warning">
          {API_TOKENS_BLOCKED_MESSAGE} Your tokens won’t work until they allow it again.
        </p>
      ) : null}
      <ApiTokenTable tokens={tokens} revoke={revokeApiTokenAction} />
    </main>
  );
}
