import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import {
  listOrgApiKeys,
  ORG_API_KEY_DEFAULT_DAYS,
  ORG_API_KEY_MAX_DAYS,
  ORG_API_KEY_MIN_DAYS,
  ORG_API_KEY_NAME_MAX,
} from '@/lib/org-api/keys';
import { jiraResourceId } from '@/lib/org-api/shapes';
import { appUrl } from '@/lib/rest/shapes';
import { NoAccess } from '@/components/no-access';
import { CredentialCreate } from '@/components/credential-create';
import { OrgApiKeyTable } from '@/components/org-api-key-table';
import { createOrgApiKeyAction, revokeOrgApiKeyAction } from './actions';

export const metadata = { title: 'API keys · Settings · Portico' };

export default async function OrgApiKeysPage() {
  const viewer = await viewerWith('admin.users.manage');
  if (!viewer) return <NoAccess />;
  const [keys, site] = await Promise.all([
    listOrgApiKeys(prisma, viewer),
    prisma.site.findUniqueOrThrow({ where: { id: viewer.site.id }, select: { organizationId: true } }),
  ]);
  const base = appUrl();
  return (
    <>
      <header className="mb-4 flex flex-wrap items-start gap-4">
        <div className="mr-auto">
          <h1 className="text-2xl font-semibold">API keys</h1>
          <p className="mt-2 max-w-2xl text-text-subtle">
            Scripts and integrations use an organization API key to manage people with the admin REST API: invite, search, change
            roles, suspend, restore and remove access, under the same rules as these screens. Send it as{' '}
            <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>. A key acts as the site admin who created it,
            and stops working if that person is no longer a site admin.
          </p>
        </div>
        <CredentialCreate create={createOrgApiKeyAction}
          texts={{
            createButton: 'Create API key',
            createTitle: 'Create an API key',
            copyTitle: 'Copy your API key',
            copyNote: 'Make sure you copy the API key now.',
            valueLabel: 'API key',
            nameHint: 'Choose a name that says what the key is for, e.g. "Onboarding sync".',
            warning: 'The key acts as you, and only while you are a site admin. Anyone who holds it can invite, change roles, suspend and remove people.',
          }} maxName={ORG_API_KEY_NAME_MAX} minDays={ORG_API_KEY_MIN_DAYS}
          maxDays={ORG_API_KEY_MAX_DAYS} defaultDays={ORG_API_KEY_DEFAULT_DAYS} />
      </header>
      <dl className="mb-6 grid max-w-3xl grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-semibold text-text-subtle">Organization ID</dt>
        <dd><code className="font-mono text-xs break-all">{site.organizationId}</code></dd>
        <dt className="font-semibold text-text-subtle">Jira resource</dt>
        <dd><code className="font-mono text-xs break-all">{jiraResourceId(viewer.site.id)}</code></dd>
        <dt className="font-semibold text-text-subtle">Base URL</dt>
        <dd><code className="font-mono text-xs break-all">{`${base}/admin/v2/orgs/${site.organizationId}`}</code></dd>
      </dl>
      <OrgApiKeyTable keys={keys} revoke={revokeOrgApiKeyAction} />
    </>
  );
}
