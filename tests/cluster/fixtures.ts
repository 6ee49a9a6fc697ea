// Credentials the cluster tests call the servers with, made through the product's own functions
// (as Settings → API keys and avatar menu → API tokens do), and small HTTP helpers.
import type { Db } from '../../lib/db/client';
import { createApiToken } from '../../lib/api-tokens';
import { createOrgApiKey } from '../../lib/org-api/keys';
import { auditOf, viewerFor } from '../support/viewers';

export type Credentials = {
  orgId: string;
  siteId: string;
  orgKey: string;
  /** Basic auth header values per demo email. */
  basic: Record<string, string>;
  accountId: (email: string) => Promise<string>;
};

export async function makeCredentials(db: Db, tokenOwners: string[]): Promise<Credentials> {
  const admin = await viewerFor(db, 'alana.admin@acme.com');
  const key = await createOrgApiKey(db, admin, { name: 'cluster tests', expiresInDays: 30 }, auditOf(admin));
  const basic: Record<string, string> = {};
  for (const email of tokenOwners) {
    const viewer = await viewerFor(db, email);
    const token = await createApiToken(db, viewer, { name: 'cluster tests', expiresInDays: 30 }, auditOf(viewer));
    basic[email] = `Basic ${Buffer.from(`${email}:${token.token}`).toString('base64')}`;
  }
  return {
    orgId: key.organizationId,
    siteId: admin.site.id,
    orgKey: key.key,
    basic,
    accountId: async (email) => (await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id,
  };
}

export type Reply = { status: number; json: unknown; ms: number };

export async function call(method: string, url: string, authorization: string, body?: unknown): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, json, ms: performance.now() - started };
}

/** POST /admin/v2/orgs/{orgId}/users/invite as the org API key (Alana), Guest role. */
export function inviteGuests(server: string, creds: Credentials, emails: string[]): Promise<Reply> {
  return call('POST', `${server}/admin/v2/orgs/${creds.orgId}/users/invite`, `Bearer ${creds.orgKey}`, {
    emails,
    permissionRules: [{ resource: `ari:cloud:jira::site/${creds.siteId}`, role: 'atlassian/guest' }],
  });
}
