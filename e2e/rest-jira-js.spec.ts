// The REST API with jira.js (from npm, unmodified) as the client, pointed at the running app with
// email + an API token created on Account settings → Security → API tokens.
//
// Runs against the shared e2e database: it only reads what other specs don't change (the seeded
// spaces, ENG's items, sam/priya/lee/alana/casey), and its one change — omar.haddad@acme.com as a
// Viewer of ENG — is undone before it ends. Its tokens are revoked at the end.
import { expect, test, type Page } from '@playwright/test';
import { createCloudClient, isApiError, isAuthError } from 'jira.js';
import { signIn } from './support';

async function createToken(page: Page, name: string): Promise<string> {
  await page.goto('/account/security/api-tokens');
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await page.getByRole('button', { name: 'Create API token' }).click();
  const form = page.getByRole('dialog', { name: 'Create an API token' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Expires in (days)').fill('7');
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  const shown = page.getByRole('dialog', { name: 'Copy your API token' });
  const token = await shown.getByLabel('Your API token').inputValue();
  expect(token).toMatch(/^PTC_[A-Za-z0-9_-]{43}$/);
  await shown.getByRole('button', { name: 'Done' }).click();
  const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Never');
  return token;
}

async function revokeToken(page: Page, name: string) {
  await page.goto('/account/security/api-tokens');
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog', { name: `Revoke ${name}?` }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('button', { name: `Revoke ${name}` })).toHaveCount(0);
}

const jira = (host: string, email: string, apiToken: string) =>
  createCloudClient({ host, auth: { type: 'basic', email, apiToken }, onSchemaMismatch: 'throw' });

test('jira.js as a site admin and as a guest: projects, role actors, users and work items', async ({ page, browser, baseURL }) => {
  const host = baseURL!;

  // --- The site admin -------------------------------------------------------------------------
  await signIn(page, 'alana.admin@acme.com');
  const adminToken = await createToken(page, 'jira.js e2e');
  const admin = jira(host, 'alana.admin@acme.com', adminToken);

  const me = await admin.myself.getCurrentUser();
  expect(me).toMatchObject({ accountType: 'atlassian', displayName: 'Alana Admin', emailAddress: 'alana.admin@acme.com', active: true, guest: false });

  const projects = await admin.projects.searchProjects();
  expect(projects.values.map((p) => p.key)).toEqual(['ENG', 'MKT', 'OPS']);
  expect(projects).toMatchObject({ startAt: 0, total: 3, isLast: true });
  expect(projects.values.find((p) => p.key === 'ENG')).toMatchObject({ name: 'Platform', projectTypeKey: 'software', lead: { displayName: 'Priya Shah' } });

  const roles = await admin.projectRoles.getProjectRoles({ projectIdOrKey: 'ENG' });
  expect(Object.keys(roles)).toEqual(['Administrator', 'Member', 'Viewer', 'Guest']);
  expect(roles.Viewer).toBe(`${host}/rest/api/3/project/ENG/role/10004`);
  const administrators = await admin.projectRoles.getProjectRole({ projectIdOrKey: 'ENG', id: 10002 });
  expect(administrators.actors?.map((a) => a.displayName)).toContain('Priya Shah');
  const viewersBefore = await admin.projectRoles.getProjectRole({ projectIdOrKey: 'ENG', id: 10004 });
  const viewerNamesBefore = viewersBefore.actors?.map((a) => a.displayName) ?? [];
  expect(viewerNamesBefore).not.toContain('Omar Haddad');

  const [omar, ...others] = await admin.userSearch.findUsers({ query: 'omar.haddad' });
  expect(others).toEqual([]);
  expect(omar).toMatchObject({ displayName: 'Omar Haddad', emailAddress: 'omar.haddad@acme.com', guest: false });

  // Add Omar as a Viewer of ENG, then take him out again (leaves ENG as it was).
  const added = await admin.projectRoleActors.addActorUsers({ projectIdOrKey: 'ENG', id: 10004, user: [omar.accountId!] });
  expect(added.actors?.map((a) => a.actorUser?.accountId)).toContain(omar.accountId);
  await admin.projectRoleActors.deleteActor({ projectIdOrKey: 'ENG', id: 10004, user: omar.accountId! });
  const viewersAfter = await admin.projectRoles.getProjectRole({ projectIdOrKey: 'ENG', id: 10004 });
  expect(viewersAfter.actors?.map((a) => a.displayName) ?? []).toEqual(viewerNamesBefore);

  // Work items, newest first, two per page.
  const keys: string[] = [];
  let nextPageToken: string | undefined;
  do {
    const result = await admin.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG ORDER BY created DESC', maxResults: 2, nextPageToken });
    expect(result.issues!.length).toBeLessThanOrEqual(2);
    keys.push(...result.issues!.map((i) => i.key!));
    nextPageToken = result.nextPageToken ?? undefined;
    expect(result.isLast).toBe(!nextPageToken);
  } while (nextPageToken);
  expect(keys).toEqual(expect.arrayContaining(['ENG-1', 'ENG-2', 'ENG-3']));
  expect(keys.every((k) => k.startsWith('ENG-'))).toBe(true);
  const first = await admin.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG ORDER BY created DESC', maxResults: 1 });
  expect(first.issues![0].fields).toMatchObject({ summary: expect.any(String), status: { name: expect.any(String) }, created: expect.any(String) });

  // --- The guest of MKT -----------------------------------------------------------------------
  const guestPage = await (await browser.newContext()).newPage();
  await signIn(guestPage, 'casey.jones@brightagency.io');
  const guestToken = await createToken(guestPage, 'agency sync');
  const guest = jira(host, 'casey.jones@brightagency.io', guestToken);

  expect(await guest.myself.getCurrentUser()).toMatchObject({ displayName: 'Casey Jones', guest: true });
  expect((await guest.projects.searchProjects()).values.map((p) => p.key)).toEqual(['MKT']);
  const mkt = await guest.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = MKT ORDER BY created DESC' });
  expect(mkt.issues!.length).toBeGreaterThan(0);
  expect(mkt.issues!.every((i) => i.key!.startsWith('MKT-'))).toBe(true);

  const eng = await guest.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG ORDER BY created DESC' }).catch((error: unknown) => error);
  expect(isApiError(eng) && eng.status).toBe(400);
  expect(isApiError(eng) && eng.body).toEqual({ errorMessages: ["The value 'ENG' does not exist for the field 'project'."], errors: {} });

  // A guest only finds the people of their own space, and changes no roles.
  expect(await guest.userSearch.findUsers({ query: 'priya' })).toEqual([]);
  expect((await guest.userSearch.findUsers({ query: 'sam' })).map((u) => u.displayName)).toEqual(['Sam Rivera']);
  const roleChange = await guest.projectRoleActors.addActorUsers({ projectIdOrKey: 'MKT', id: 10004, user: [omar.accountId!] }).catch((error: unknown) => error);
  expect(isApiError(roleChange) && roleChange.status).toBe(403);

  // --- Revoked tokens stop working at once --------------------------------------------------------
  await revokeToken(guestPage, 'agency sync');
  await revokeToken(page, 'jira.js e2e');
  const afterRevoke = await admin.myself.getCurrentUser().catch((error: unknown) => error);
  expect(isAuthError(afterRevoke)).toBe(true);
});
