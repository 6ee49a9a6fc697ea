import type { Db } from '../db/client';
import { assertCan, type Viewer } from '../access/policy';
import { isExternalDomain } from '../email-address';

export type SiteUserRow = {
  id: string;
  name: string;
  email: string;
  external: boolean;
  jiraRole: 'GUEST' | 'USER' | 'ADMIN' | null;
  isSiteAdmin: boolean;
  status: 'ACTIVE' | 'SUSPENDED';
  space: { key: string; name: string } | null;
  lastActiveAt: Date | null;
  addedAt: Date;
};

/** Settings → User management → Users: the people on the viewer's site. */
export async function listSiteUsers(db: Db, viewer: Viewer, options: { take?: number } = {}): Promise<SiteUserRow[]> {
  assertCan(viewer, 'admin.users.view');
  const [rows, domains] = await Promise.all([
    db.siteUser.findMany({
      where: { siteId: viewer.site.id },
      orderBy: [{ addedAt: 'asc' }, { id: 'asc' }],
      take: options.take ?? 50,
      select: {
        addedAt: true,
        isSiteAdmin: true,
        suspendedAt: true,
        user: {
          select: {
            id: true,
            name: true,
            email: true,
            emailDomain: true,
            lastActiveAt: true,
            appRoles: { where: { app: { siteId: viewer.site.id, kind: 'JIRA' } }, select: { role: true } },
            guestAssignment: { where: { siteId: viewer.site.id }, select: { space: { select: { key: true, name: true } } } },
          },
        },
      },
    }),
    db.verifiedDomain.findMany({ where: { organization: { sites: { some: { id: viewer.site.id } } } }, select: { domain: true } }),
  ]);
  const verified = domains.map((d) => d.domain);
  return rows.map((row) => ({
    id: row.user.id,
    name: row.user.name,
    email: row.user.email,
    external: isExternalDomain(row.user.emailDomain, verified),
    jiraRole: row.user.appRoles[0]?.role ?? null,
    isSiteAdmin: row.isSiteAdmin,
    status: row.suspendedAt ? 'SUSPENDED' : 'ACTIVE',
    space: row.user.guestAssignment[0]?.space ?? null,
    lastActiveAt: row.user.lastActiveAt,
    addedAt: row.addedAt,
  }));
}
