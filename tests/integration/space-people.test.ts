import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { createPrismaClient, type Db } from '@/lib/db/client';
import { AccessDenied, homePath, type Viewer } from '@/lib/access/policy';
import { loadViewer } from '@/lib/access/viewer';
import {
  addAccountToSpace,
  addPeople,
  changeSpaceRole,
  LAST_ADMINISTRATOR_MESSAGE,
  listSpacePeople,
  removeFromSpace,
  requestAccessFor,
  searchSitePeople,
} from '@/lib/spaces/people';
import { AddPeopleInput, RequestAccessForInput } from '@/lib/spaces/people.schema';
import { approveRequest, denyRequest, listPendingRequests } from '@/lib/requests/access-requests';
import { acceptInvitationWithNewAccount, describeInvitation } from '@/lib/invitations/accept';
import { restoreAccess, suspendAccess } from '@/lib/users/manage';
import { listSiteUsers } from '@/lib/users/list';
import { findSpaceForViewer } from '@/lib/spaces/queries';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

const JORDAN = 'jordan.blake@northwind-consulting.com';
const CASEY = 'casey.jones@brightagency.io';
const DANA = 'dana.kim@pixelworks.studio';
const MORGAN = 'morgan.lee@freelance.dev';
const ONE_SPACE_MKT = 'is already a guest in Marketing (MKT). Guests can only belong to one space per site, so remove them from Marketing first.';
const ONE_SPACE_OPS = 'is already a guest in Operations (OPS). Guests can only belong to one space per site, so remove them from Operations first.';

let t: TestDatabase;
let alana: Viewer;
let sam: Viewer;
let lee: Viewer;
let omar: Viewer;
let casey: Viewer;

const idOf = async (email: string) => (await t.db.user.findUniqueOrThrow({ where: { email } })).id;
const spaceId = async (key: string) => (await t.db.space.findFirstOrThrow({ where: { key } })).id;

/** Everything a People action could change; a refusal must leave all of it as it was. */
async function snapshot(db: Db = t.db) {
  const [memberships, assignments, requests, audits] = await Promise.all([
    db.spaceMembership.findMany({ select: { spaceId: true, userId: true, role: true }, orderBy: [{ spaceId: 'asc' }, { userId: 'asc' }] }),
    db.guestSpaceAssignment.findMany({ select: { userId: true, spaceId: true }, orderBy: { userId: 'asc' } }),
    db.accessRequest.findMany({ select: { id: true, email: true, state: true }, orderBy: { id: 'asc' } }),
    db.auditEvent.count(),
  ]);
  return { memberships, assignments, requests, audits };
}

async function roleIn(key: string, email: string) {
  const membership = await t.db.spaceMembership.findFirst({ where: { space: { key }, user: { email } }, select: { role: true } });
  return membership?.role ?? null;
}

const add = (viewer: Viewer, key: string, emails: string[], role: 'ADMINISTRATOR' | 'MEMBER' | 'VIEWER' | 'GUEST', db: Db = t.db) =>
  addPeople(db, viewer, key, { emails, role }, auditOf(viewer));

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  [alana, sam, lee, omar, casey] = await Promise.all(
    ['alana.admin@acme.com', 'sam.rivera@acme.com', 'lee.chen@acme.com', 'omar.haddad@acme.com', CASEY].map((email) => viewerFor(t.db, email)),
  );
});
afterAll(() => t.drop());

describe('who may manage a space’s people', () => {
  it('a space Administrator sees their space’s people, with roles, guests and the last Administrator marked', async () => {
    const list = await listSpacePeople(t.db, sam, 'MKT');
    expect(list?.space).toMatchObject({ key: 'MKT', name: 'Marketing' });
    expect(list?.people.map((p) => [p.name, p.email, p.role, p.siteGuest, p.suspended, p.allowedRoles, p.lastAdministrator])).toEqual([
      ['Casey Jones', CASEY, 'GUEST', true, false, ['GUEST'], false],
      ['Lee Chen', 'lee.chen@acme.com', 'MEMBER', false, false, ['ADMINISTRATOR', 'MEMBER', 'VIEWER'], false],
      ['Sam Rivera', 'sam.rivera@acme.com', 'ADMINISTRATOR', false, false, ['ADMINISTRATOR', 'MEMBER', 'VIEWER'], true],
    ]);
    expect(list?.total).toBe(3);
  });

  it('searches within the list by name or email', async () => {
    expect((await listSpacePeople(t.db, sam, 'MKT', 'chen'))?.people.map((p) => p.name)).toEqual(['Lee Chen']);
    expect((await listSpacePeople(t.db, sam, 'MKT', 'BRIGHTAGENCY'))?.people.map((p) => p.name)).toEqual(['Casey Jones']);
    expect((await listSpacePeople(t.db, sam, 'MKT', '%'))?.people).toEqual([]);
    expect((await listSpacePeople(t.db, sam, 'MKT', '  '))?.people).toHaveLength(3);
  });

  it('pages by name: Next and Previous walk everyone once, a search pages too, a forged cursor starts over', async () => {
    const names = (list: Awaited<ReturnType<typeof listSpacePeople>>) => list?.people.map((p) => p.name);
    const first = await listSpacePeople(t.db, sam, 'MKT', '', {}, 2);
    expect(names(first)).toEqual(['Casey Jones', 'Lee Chen']);
    expect(first?.previous).toBeNull();
    const second = await listSpacePeople(t.db, sam, 'MKT', '', { after: first?.next }, 2);
    expect(names(second)).toEqual(['Sam Rivera']);
    expect(second?.next).toBeNull();
    expect(second?.total).toBe(3);
    const back = await listSpacePeople(t.db, sam, 'MKT', '', { before: second?.previous }, 2);
    expect(names(back)).toEqual(['Casey Jones', 'Lee Chen']);
    expect(back?.previous).toBeNull();
    const searched = await listSpacePeople(t.db, sam, 'MKT', 'acme.com', {}, 1);
    expect(names(searched)).toEqual(['Lee Chen']);
    expect(names(await listSpacePeople(t.db, sam, 'MKT', 'acme.com', { after: searched?.next }, 1))).toEqual(['Sam Rivera']);
    const forgedCursors = [
      '%%%',
      Buffer.from('["Zed", "x\' OR 1=1"]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      // PostgreSQL text can't hold NUL: such a name would make the query fail instead of starting over.
      Buffer.from(JSON.stringify(['Lee\u0000', 'abc'])).toString('base64url'),
    ];
    for (const forged of forgedCursors) {
      expect(names(await listSpacePeople(t.db, sam, 'MKT', '', { after: forged }, 2))).toEqual(['Casey Jones', 'Lee Chen']);
    }
  });

  it('sam administers MKT but not ENG, where he is a Viewer: every People call there is refused and nothing changes', async () => {
    const before = await snapshot();
    const lid = await idOf('lee.chen@acme.com');
    expect(await listSpacePeople(t.db, sam, 'ENG')).toBeNull();
    await expect(searchSitePeople(t.db, sam, 'ENG', 'j')).rejects.toBeInstanceOf(AccessDenied);
    await expect(add(sam, 'ENG', [JORDAN], 'GUEST')).rejects.toBeInstanceOf(AccessDenied);
    await expect(changeSpaceRole(t.db, sam, 'ENG', { userId: lid, role: 'VIEWER' }, auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
    await expect(removeFromSpace(t.db, sam, 'ENG', { userId: lid }, auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
    await expect(requestAccessFor(t.db, sam, 'ENG', { email: DANA, note: null }, auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
    // The REST path's entry (an account already read, a space already resolved) asks the policy too.
    const eng = await findSpaceForViewer(t.db, sam, 'ENG');
    expect(eng?.permissions.has('browse')).toBe(true);
    const jordan = await t.db.user.findUniqueOrThrow({ where: { email: JORDAN }, select: { id: true, email: true, name: true, active: true } });
    await expect(addAccountToSpace(t.db, sam, eng!, jordan, 'GUEST', auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
    expect(await snapshot()).toEqual(before);
    // Positive control: the same search in his own space works.
    expect((await searchSitePeople(t.db, sam, 'MKT', 'jordan')).map((p) => p.name)).toEqual(['Jordan Blake']);
  });

  it('a Member (lee) and a guest (casey) of MKT are refused there, and nothing changes', async () => {
    const before = await snapshot();
    const samId = await idOf('sam.rivera@acme.com');
    for (const viewer of [lee, casey]) {
      expect(await listSpacePeople(t.db, viewer, 'MKT')).toBeNull();
      await expect(searchSitePeople(t.db, viewer, 'MKT', 'j')).rejects.toBeInstanceOf(AccessDenied);
      await expect(add(viewer, 'MKT', [JORDAN], 'GUEST')).rejects.toBeInstanceOf(AccessDenied);
      await expect(changeSpaceRole(t.db, viewer, 'MKT', { userId: samId, role: 'MEMBER' }, auditOf(viewer))).rejects.toBeInstanceOf(AccessDenied);
      await expect(removeFromSpace(t.db, viewer, 'MKT', { userId: samId }, auditOf(viewer))).rejects.toBeInstanceOf(AccessDenied);
      await expect(requestAccessFor(t.db, viewer, 'MKT', { email: DANA, note: null }, auditOf(viewer))).rejects.toBeInstanceOf(AccessDenied);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown or malformed space key is refused like a forbidden one', async () => {
    expect(await listSpacePeople(t.db, alana, 'NOPE')).toBeNull();
    expect(await listSpacePeople(t.db, alana, 'mkt')).toBeNull();
    await expect(add(alana, 'NOPE', [JORDAN], 'GUEST')).rejects.toBeInstanceOf(AccessDenied);
  });

  it('the site admin (alana) manages every space, without being a member of any', async () => {
    for (const key of ['MKT', 'ENG', 'OPS']) expect((await listSpacePeople(t.db, alana, key))?.space.key).toBe(key);
    const lid = await idOf('lee.chen@acme.com');
    expect(await changeSpaceRole(t.db, alana, 'ENG', { userId: lid, role: 'VIEWER' }, auditOf(alana))).toEqual({ name: 'Lee Chen', before: 'MEMBER', after: 'VIEWER' });
    await changeSpaceRole(t.db, alana, 'ENG', { userId: lid, role: 'MEMBER' }, auditOf(alana));
    expect(await roleIn('ENG', 'lee.chen@acme.com')).toBe('MEMBER');
  });

  it('a Jira admin manages every space too; a suspended space Administrator manages none', async () => {
    const oid = await idOf('omar.haddad@acme.com');
    const jira = await t.db.app.findFirstOrThrow({ where: { kind: 'JIRA' } });
    await t.db.appRole.update({ where: { appId_userId: { appId: jira.id, userId: oid } }, data: { role: 'ADMIN' } });
    try {
      expect(await listSpacePeople(t.db, await viewerFor(t.db, 'omar.haddad@acme.com'), 'ENG')).not.toBeNull();
    } finally {
      await t.db.appRole.update({ where: { appId_userId: { appId: jira.id, userId: oid } }, data: { role: 'USER' } });
    }
    expect(await listSpacePeople(t.db, await viewerFor(t.db, 'omar.haddad@acme.com'), 'ENG')).toBeNull();

    await t.db.siteUser.updateMany({ where: { userId: oid }, data: { suspendedAt: new Date() } });
    try {
      expect(await listSpacePeople(t.db, await viewerFor(t.db, 'omar.haddad@acme.com'), 'OPS')).toBeNull();
    } finally {
      await t.db.siteUser.updateMany({ where: { userId: oid }, data: { suspendedAt: null } });
    }
    expect(await listSpacePeople(t.db, await viewerFor(t.db, 'omar.haddad@acme.com'), 'OPS')).not.toBeNull();
  });
});

describe('the Add people picker', () => {
  it('finds people on the site with Jira access by name, word of the name, or email prefix', async () => {
    const names = async (q: string) => (await searchSitePeople(t.db, sam, 'MKT', q)).map((p) => p.name);
    expect(await names('j')).toEqual(['Casey Jones', 'Jordan Blake']);
    expect(await names('JOR')).toEqual(['Jordan Blake']);
    expect(await names('priya.s')).toEqual(['Priya Shah']);
    expect(await names('a')).toEqual(['Alana Admin']);
    // Morgan Lee and Dana Kim have accounts but no access to the site.
    expect(await names('lee')).toEqual(['Lee Chen']);
    expect(await names('morgan')).toEqual([]);
    expect(await names('dana')).toEqual([]);
    // Not a prefix, and LIKE wildcards are only characters.
    expect(await names('hen')).toEqual([]);
    expect(await names('%')).toEqual([]);
    expect(await names('_')).toEqual([]);
    expect(await names('')).toEqual([]);
  });

  it('says who is a guest and who is already in the space', async () => {
    expect(await searchSitePeople(t.db, sam, 'MKT', 'j')).toEqual([
      { userId: await idOf(CASEY), name: 'Casey Jones', email: CASEY, siteGuest: true, spaceRole: 'GUEST' },
      { userId: await idOf(JORDAN), name: 'Jordan Blake', email: JORDAN, siteGuest: true, spaceRole: null },
    ]);
  });

  it('never offers suspended or deactivated people', async () => {
    const oid = await idOf('omar.haddad@acme.com');
    await suspendAccess(t.db, alana, oid, auditOf(alana));
    expect(await searchSitePeople(t.db, sam, 'MKT', 'omar')).toEqual([]);
    await restoreAccess(t.db, alana, oid, auditOf(alana));
    expect((await searchSitePeople(t.db, sam, 'MKT', 'omar')).map((p) => p.name)).toEqual(['Omar Haddad']);
    await t.db.user.update({ where: { id: oid }, data: { active: false } });
    expect(await searchSitePeople(t.db, sam, 'MKT', 'omar')).toEqual([]);
    await t.db.user.update({ where: { id: oid }, data: { active: true } });
    omar = await viewerFor(t.db, 'omar.haddad@acme.com');
  });

  it('never offers people on the site without Jira access', async () => {
    const site = await t.db.site.findFirstOrThrow({ include: { apps: true } });
    const quinn = await t.db.user.create({ data: { email: 'quinn.noaccess@acme.com', emailDomain: 'acme.com', name: 'Quinn Noaccess' } });
    await t.db.siteUser.create({ data: { siteId: site.id, userId: quinn.id } });
    const confluence = site.apps.find((a) => a.kind === 'CONFLUENCE')!;
    await t.db.appRole.create({ data: { appId: confluence.id, userId: quinn.id, role: 'USER' } });
    expect(await searchSitePeople(t.db, sam, 'MKT', 'quinn')).toEqual([]);
    const jira = site.apps.find((a) => a.kind === 'JIRA')!;
    await t.db.appRole.create({ data: { appId: jira.id, userId: quinn.id, role: 'USER' } });
    expect((await searchSitePeople(t.db, sam, 'MKT', 'quinn')).map((p) => p.name)).toEqual(['Quinn Noaccess']);
  });

  it('returns at most 10, in name order', async () => {
    const site = await t.db.site.findFirstOrThrow({ include: { apps: true } });
    const jira = site.apps.find((a) => a.kind === 'JIRA')!;
    for (let i = 12; i >= 1; i--) {
      const n = String(i).padStart(2, '0');
      const user = await t.db.user.create({ data: { email: `zed${n}@acme.com`, emailDomain: 'acme.com', name: `Zed ${n}` } });
      await t.db.siteUser.create({ data: { siteId: site.id, userId: user.id } });
      await t.db.appRole.create({ data: { appId: jira.id, userId: user.id, role: 'USER' } });
    }
    expect((await searchSitePeople(t.db, sam, 'MKT', 'zed')).map((p) => p.name)).toEqual(
      ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => `Zed ${n}`),
    );
  });
});

describe('Add people', () => {
  it('input: addresses from a list or one pasted string, normalized and de-duplicated; at most 20', () => {
    expect(AddPeopleInput.parse({ spaceKey: 'MKT', emails: ' Jordan.Blake@Northwind-Consulting.com, jordan.blake@northwind-consulting.com;lee.chen@acme.com', role: 'GUEST' }).emails).toEqual([
      JORDAN,
      'lee.chen@acme.com',
    ]);
    expect(AddPeopleInput.safeParse({ spaceKey: 'MKT', emails: ['not-an-email'], role: 'GUEST' }).error?.issues[0].message).toBe("not-an-email isn't a valid email address.");
    expect(AddPeopleInput.safeParse({ spaceKey: 'MKT', emails: [], role: 'GUEST' }).error?.issues[0].message).toBe('Add at least one person.');
    const many = Array.from({ length: 21 }, (_, i) => `p${i}@x.example`);
    expect(AddPeopleInput.safeParse({ spaceKey: 'MKT', emails: many, role: 'GUEST' }).error?.issues[0].message).toBe('You can add up to 20 people at a time.');
    expect(AddPeopleInput.safeParse({ spaceKey: 'MKT', emails: [JORDAN], role: 'OWNER' }).success).toBe(false);
    expect(AddPeopleInput.safeParse({ spaceKey: '../x', emails: [JORDAN], role: 'GUEST' }).success).toBe(false);
  });

  it('a site guest can only get the Guest role: refused as Member, nothing changes; added as Guest with membership, assignment and audit', async () => {
    const before = await snapshot();
    const [refused] = await add(sam, 'MKT', [JORDAN], 'MEMBER');
    expect(refused).toMatchObject({ outcome: 'REFUSED', message: 'Jordan Blake is a guest on this site, so they can only have the Guest role.' });
    expect(await snapshot()).toEqual(before);

    const [added] = await add(sam, 'MKT', [' Jordan.Blake@Northwind-Consulting.com '], 'GUEST');
    expect(added).toEqual({ email: JORDAN, userId: await idOf(JORDAN), name: 'Jordan Blake', outcome: 'ADDED', message: 'Added to Marketing as Guest.' });
    expect(await roleIn('MKT', JORDAN)).toBe('GUEST');
    expect(await t.db.guestSpaceAssignment.findFirst({ where: { userId: await idOf(JORDAN) } })).toMatchObject({ spaceId: await spaceId('MKT') });
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'space.member.added', targetUserId: await idOf(JORDAN) } });
    expect(event).toMatchObject({ actorId: sam.userId, targetType: 'space', targetId: await spaceId('MKT'), before: { space: 'MKT', role: null }, after: { space: 'MKT', role: 'GUEST' }, ip: '203.0.113.10' });
    // Jordan's next request reaches Marketing and nothing else.
    const jordan = await viewerFor(t.db, JORDAN);
    expect(jordan.guestSpace).toMatchObject({ key: 'MKT' });
    expect(homePath(jordan)).toBe('/spaces/MKT');
  });

  it('only a site guest can get the Guest role: a licensed user is refused as Guest, nothing changes; added as Member', async () => {
    const before = await snapshot();
    const [refused] = await add(omar, 'OPS', ['lee.chen@acme.com'], 'GUEST');
    expect(refused).toMatchObject({ outcome: 'REFUSED', message: "Lee Chen isn't a guest on this site. Only guests can have the Guest role." });
    expect(await snapshot()).toEqual(before);
    const [added] = await add(omar, 'OPS', ['lee.chen@acme.com'], 'MEMBER');
    expect(added).toMatchObject({ outcome: 'ADDED', message: 'Added to Operations as Member.' });
    expect(await roleIn('OPS', 'lee.chen@acme.com')).toBe('MEMBER');
    expect(await t.db.guestSpaceAssignment.count({ where: { userId: await idOf('lee.chen@acme.com') } })).toBe(0);
  });

  it('one space per guest: a guest in Marketing is refused in Operations with where they are, nothing changes', async () => {
    const before = await snapshot();
    const [guestRole] = await add(omar, 'OPS', [CASEY], 'MEMBER');
    expect(guestRole).toMatchObject({ outcome: 'REFUSED', message: 'Casey Jones is a guest on this site, so they can only have the Guest role.' });
    const [oneSpace] = await add(omar, 'OPS', [CASEY], 'GUEST');
    expect(oneSpace).toMatchObject({ outcome: 'REFUSED', message: `Casey Jones ${ONE_SPACE_MKT}` });
    expect(await snapshot()).toEqual(before);
    // Positive control (a guest without a space is added to OPS) follows under Remove.
  });

  it('someone already in this space: no change, whatever role was asked for', async () => {
    const before = await snapshot();
    const [already] = await add(sam, 'MKT', ['lee.chen@acme.com'], 'ADMINISTRATOR');
    expect(already).toMatchObject({ outcome: 'ALREADY_IN_SPACE', message: 'Lee Chen is already in this space.' });
    const [guest] = await add(sam, 'MKT', [CASEY], 'GUEST');
    expect(guest).toMatchObject({ outcome: 'ALREADY_IN_SPACE', message: 'Casey Jones is already in this space.' });
    expect(await snapshot()).toEqual(before);
  });

  it('suspended people can’t be added; once restored they can', async () => {
    const pid = await idOf('priya.shah@acme.com');
    await suspendAccess(t.db, alana, pid, auditOf(alana));
    const before = await snapshot();
    const [refused] = await add(sam, 'MKT', ['priya.shah@acme.com'], 'VIEWER');
    expect(refused).toMatchObject({ outcome: 'REFUSED', message: "Priya Shah's access to this site is suspended, so they can't be added." });
    expect(await snapshot()).toEqual(before);
    await restoreAccess(t.db, alana, pid, auditOf(alana));
    const [added] = await add(sam, 'MKT', ['priya.shah@acme.com'], 'VIEWER');
    expect(added).toMatchObject({ outcome: 'ADDED' });
    await removeFromSpace(t.db, sam, 'MKT', { userId: pid }, auditOf(sam));
  });

  it('suspended members are listed with a Suspended marker', async () => {
    const lid = await idOf('lee.chen@acme.com');
    await suspendAccess(t.db, alana, lid, auditOf(alana));
    expect((await listSpacePeople(t.db, sam, 'MKT'))?.people.find((p) => p.userId === lid)?.suspended).toBe(true);
    await restoreAccess(t.db, alana, lid, auditOf(alana));
    lee = await viewerFor(t.db, 'lee.chen@acme.com');
    expect((await listSpacePeople(t.db, sam, 'MKT'))?.people.find((p) => p.userId === lid)?.suspended).toBe(false);
  });

  it('an address not on the site (no account, or an account without access) is explained, nothing changes', async () => {
    const before = await snapshot();
    const rows = await add(sam, 'MKT', [DANA, 'new.person@elsewhere.example'], 'GUEST');
    expect(rows).toEqual([
      { email: DANA, userId: await idOf(DANA), name: 'Dana Kim', outcome: 'NOT_ON_SITE', message: `${DANA} isn't on this site yet. A site admin must invite them first.` },
      { email: 'new.person@elsewhere.example', userId: null, name: null, outcome: 'NOT_ON_SITE', message: "new.person@elsewhere.example isn't on this site yet. A site admin must invite them first." },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('several people at once: each gets their own result, in order, and one refusal holds back no one', async () => {
    const rows = await add(alana, 'ENG', [JORDAN, 'lee.chen@acme.com', DANA, 'omar.haddad@acme.com'], 'VIEWER');
    expect(rows.map((r) => [r.email, r.outcome])).toEqual([
      [JORDAN, 'REFUSED'],
      ['lee.chen@acme.com', 'ALREADY_IN_SPACE'],
      [DANA, 'NOT_ON_SITE'],
      ['omar.haddad@acme.com', 'ADDED'],
    ]);
    expect(await roleIn('ENG', 'omar.haddad@acme.com')).toBe('VIEWER');
    expect(await roleIn('ENG', 'lee.chen@acme.com')).toBe('MEMBER');
    expect(await roleIn('ENG', JORDAN)).toBeNull();
  });
});

describe('Role, in place', () => {
  it('changes a role and audits it; the same role again changes nothing', async () => {
    const lid = await idOf('lee.chen@acme.com');
    expect(await changeSpaceRole(t.db, sam, 'MKT', { userId: lid, role: 'VIEWER' }, auditOf(sam))).toEqual({ name: 'Lee Chen', before: 'MEMBER', after: 'VIEWER' });
    expect(await roleIn('MKT', 'lee.chen@acme.com')).toBe('VIEWER');
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'space.member.role_changed', targetUserId: lid }, orderBy: { id: 'desc' } });
    expect(event).toMatchObject({ actorId: sam.userId, before: { space: 'MKT', role: 'MEMBER' }, after: { space: 'MKT', role: 'VIEWER' } });
    const audits = await t.db.auditEvent.count();
    await changeSpaceRole(t.db, sam, 'MKT', { userId: lid, role: 'VIEWER' }, auditOf(sam));
    expect(await t.db.auditEvent.count()).toBe(audits);
    await changeSpaceRole(t.db, sam, 'MKT', { userId: lid, role: 'MEMBER' }, auditOf(sam));
  });

  it('the guest rules hold for role changes too, and nothing changes', async () => {
    const before = await snapshot();
    await expect(changeSpaceRole(t.db, sam, 'MKT', { userId: await idOf(CASEY), role: 'MEMBER' }, auditOf(sam))).rejects.toThrow(
      'Casey Jones is a guest on this site, so they can only have the Guest role.',
    );
    await expect(changeSpaceRole(t.db, sam, 'MKT', { userId: await idOf('lee.chen@acme.com'), role: 'GUEST' }, auditOf(sam))).rejects.toThrow(
      "Lee Chen isn't a guest on this site. Only guests can have the Guest role.",
    );
    expect(await snapshot()).toEqual(before);
  });

  it('the last Administrator can be neither demoted nor removed; with a second one both work', async () => {
    const samId = await idOf('sam.rivera@acme.com');
    const lid = await idOf('lee.chen@acme.com');
    const before = await snapshot();
    await expect(changeSpaceRole(t.db, sam, 'MKT', { userId: samId, role: 'MEMBER' }, auditOf(sam))).rejects.toThrow(LAST_ADMINISTRATOR_MESSAGE);
    await expect(removeFromSpace(t.db, alana, 'MKT', { userId: samId }, auditOf(alana))).rejects.toThrow('A space needs at least one Administrator.');
    expect(await snapshot()).toEqual(before);

    await changeSpaceRole(t.db, sam, 'MKT', { userId: lid, role: 'ADMINISTRATOR' }, auditOf(sam));
    expect((await listSpacePeople(t.db, sam, 'MKT'))?.people.filter((p) => p.lastAdministrator)).toEqual([]);
    await changeSpaceRole(t.db, sam, 'MKT', { userId: samId, role: 'MEMBER' }, auditOf(sam));
    expect(await roleIn('MKT', 'sam.rivera@acme.com')).toBe('MEMBER');
    // Sam no longer administers Marketing: the next call is refused.
    await expect(changeSpaceRole(t.db, sam, 'MKT', { userId: samId, role: 'ADMINISTRATOR' }, auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
    await changeSpaceRole(t.db, lee, 'MKT', { userId: samId, role: 'ADMINISTRATOR' }, auditOf(lee));
    await removeFromSpace(t.db, sam, 'MKT', { userId: lid }, auditOf(sam));
    await add(sam, 'MKT', ['lee.chen@acme.com'], 'MEMBER');
    expect((await listSpacePeople(t.db, sam, 'MKT'))?.people.map((p) => [p.name, p.role])).toEqual([
      ['Casey Jones', 'GUEST'],
      ['Jordan Blake', 'GUEST'],
      ['Lee Chen', 'MEMBER'],
      ['Sam Rivera', 'ADMINISTRATOR'],
    ]);
  });

  it('two Administrators demoted at the same moment from separate connections: one stays', async () => {
    const eng = await spaceId('ENG');
    const lid = await idOf('lee.chen@acme.com');
    const pid = await idOf('priya.shah@acme.com');
    const [a, b] = [createPrismaClient(t.url), createPrismaClient(t.url)];
    try {
      for (let round = 0; round < 5; round++) {
        await t.db.spaceMembership.updateMany({ where: { spaceId: eng, userId: { in: [lid, pid] } }, data: { role: 'ADMINISTRATOR' } });
        const results = await Promise.allSettled([
          changeSpaceRole(a, alana, 'ENG', { userId: lid, role: 'MEMBER' }, auditOf(alana)),
          changeSpaceRole(b, alana, 'ENG', { userId: pid, role: 'MEMBER' }, auditOf(alana)),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { message: LAST_ADMINISTRATOR_MESSAGE } });
        expect(await t.db.spaceMembership.count({ where: { spaceId: eng, role: 'ADMINISTRATOR' } })).toBe(1);
      }
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
    await t.db.spaceMembership.update({ where: { spaceId_userId: { spaceId: eng, userId: pid } }, data: { role: 'ADMINISTRATOR' } });
    await t.db.spaceMembership.update({ where: { spaceId_userId: { spaceId: eng, userId: lid } }, data: { role: 'MEMBER' } });
  });

  it('someone not in the space can’t have their role changed or be removed', async () => {
    const did = await idOf(DANA);
    await expect(changeSpaceRole(t.db, sam, 'MKT', { userId: did, role: 'VIEWER' }, auditOf(sam))).rejects.toThrow("That person isn't in this space anymore.");
    await expect(removeFromSpace(t.db, sam, 'MKT', { userId: did }, auditOf(sam))).rejects.toThrow("That person isn't in this space anymore.");
  });
});

describe('Remove', () => {
  it('removing a guest ends their membership and assignment only: they stay on the site with no space, signed in', async () => {
    const cid = await idOf(CASEY);
    const session = casey.sessionId;
    const assigned = await t.db.workItem.count({ where: { assigneeId: cid } });
    expect(await removeFromSpace(t.db, sam, 'MKT', { userId: cid }, auditOf(sam))).toEqual({ name: 'Casey Jones', role: 'GUEST' });
    expect(await t.db.spaceMembership.count({ where: { userId: cid } })).toBe(0);
    expect(await t.db.guestSpaceAssignment.count({ where: { userId: cid } })).toBe(0);
    // Still a guest on the site, listed under "Guests without a space"; nothing else ended.
    const { rows } = await listSiteUsers(t.db, alana, { q: 'casey', noSpace: true });
    expect(rows.map((r) => [r.name, r.jiraRole, r.status, r.space])).toEqual([['Casey Jones', 'GUEST', 'ACTIVE', null]]);
    const next = await loadViewer(t.db, session);
    expect(next?.siteAccess?.jiraRole).toBe('GUEST');
    expect(next?.guestSpace).toBeNull();
    expect(homePath(next!)).toBe('/no-space');
    expect(await t.db.workItem.count({ where: { assigneeId: cid } })).toBe(assigned);
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'space.member.removed', targetUserId: cid } });
    expect(event).toMatchObject({ actorId: sam.userId, before: { space: 'MKT', role: 'GUEST', guestSpace: true }, after: { space: 'MKT', role: null } });
  });

  it('a removed guest can be added to another space afterwards', async () => {
    const [added] = await add(omar, 'OPS', [CASEY], 'GUEST');
    expect(added).toMatchObject({ outcome: 'ADDED', message: 'Added to Operations as Guest.' });
    expect(await t.db.guestSpaceAssignment.findFirst({ where: { userId: await idOf(CASEY) } })).toMatchObject({ spaceId: await spaceId('OPS') });
    // And now Marketing refuses them, naming Operations.
    const [refused] = await add(sam, 'MKT', [CASEY], 'GUEST');
    expect(refused.message).toBe(`Casey Jones ${ONE_SPACE_OPS}`);
  });
});

describe('Request access for them', () => {
  it('creates a request for site admins on behalf of the space admin, shown on Approve requests with who asked', async () => {
    const input = RequestAccessForInput.parse({ spaceKey: 'MKT', email: ' Dana.Kim@Pixelworks.Studio ', note: '  Designs the launch assets.  ' });
    expect(input).toEqual({ spaceKey: 'MKT', email: DANA, note: 'Designs the launch assets.' });
    const request = await requestAccessFor(t.db, sam, 'MKT', input, auditOf(sam));
    expect(await t.db.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      email: DANA,
      blockingEmail: DANA,
      state: 'PENDING',
      userId: await idOf(DANA),
      requestedById: sam.userId,
      spaceId: await spaceId('MKT'),
      note: 'Designs the launch assets.',
    });
    const pending = (await listPendingRequests(t.db, alana)).rows.find((r) => r.email === DANA);
    expect(pending).toMatchObject({ name: 'Dana Kim', requestedBy: { name: 'Sam Rivera' }, space: { key: 'MKT', name: 'Marketing' }, note: 'Designs the launch assets.' });
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'access_request.created', targetId: request.id } });
    expect(event).toMatchObject({ actorId: sam.userId, targetUserId: await idOf(DANA), after: { state: 'PENDING', email: DANA, space: 'MKT' } });
  });

  it('an address without an account gets a request too, the note being optional', async () => {
    const request = await requestAccessFor(t.db, omar, 'OPS', { email: 'pat@partner.example', note: null }, auditOf(omar));
    expect(await t.db.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ userId: null, note: null, requestedById: omar.userId });
  });

  it('a pending request is not duplicated; a declined one is not asked again; nothing changes', async () => {
    await denyRequest(t.db, alana, (await t.db.accessRequest.findFirstOrThrow({ where: { email: 'pat@partner.example' } })).id, null, auditOf(alana));
    const before = await snapshot();
    await expect(requestAccessFor(t.db, sam, 'MKT', { email: DANA, note: null }, auditOf(sam))).rejects.toThrow(`Access was already requested for ${DANA}.`);
    await expect(requestAccessFor(t.db, sam, 'MKT', { email: MORGAN, note: null }, auditOf(sam))).rejects.toThrow(`Access was already requested for ${MORGAN}.`);
    await expect(requestAccessFor(t.db, sam, 'MKT', { email: 'pat@partner.example', note: null }, auditOf(sam))).rejects.toThrow(
      'A site admin declined access for pat@partner.example.',
    );
    await expect(requestAccessFor(t.db, sam, 'MKT', { email: 'lee.chen@acme.com', note: null }, auditOf(sam))).rejects.toThrow(
      'Lee Chen is already on this site. Add them to the space instead.',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('asked for at the same moment from two connections: one request, the other told so', async () => {
    const [a, b] = [createPrismaClient(t.url), createPrismaClient(t.url)];
    try {
      const results = await Promise.allSettled([
        requestAccessFor(a, sam, 'MKT', { email: 'twice@partner.example', note: null }, auditOf(sam)),
        requestAccessFor(b, omar, 'OPS', { email: 'twice@partner.example', note: null }, auditOf(omar)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { message: 'Access was already requested for twice@partner.example.' } });
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
    expect(await t.db.accessRequest.count({ where: { email: 'twice@partner.example' } })).toBe(1);
  });
});

describe('Approving a request a space admin made', () => {
  const approve = (requestId: string, role?: 'GUEST' | 'USER') => approveRequest(t.db, alana, requestId, role, auditOf(alana));
  const requestFor = (viewer: Viewer, key: string, email: string) => requestAccessFor(t.db, viewer, key, { email, note: null }, auditOf(viewer));

  it('someone with an account joins the asked-for space as Guest when the request is approved', async () => {
    const dana = await idOf(DANA);
    const request = await t.db.accessRequest.findFirstOrThrow({ where: { email: DANA, state: 'PENDING' } });
    expect(await approve(request.id)).toEqual({ role: 'GUEST' });
    expect(await roleIn('MKT', DANA)).toBe('GUEST');
    expect(await t.db.guestSpaceAssignment.findMany({ where: { userId: dana }, select: { spaceId: true } })).toEqual([{ spaceId: await spaceId('MKT') }]);
    const added = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'space.member.added', targetUserId: dana } });
    expect(added).toMatchObject({ actorId: alana.userId, after: { space: 'MKT', role: 'GUEST' } });
    expect(await t.db.spaceMembership.findFirstOrThrow({ where: { userId: dana } })).toMatchObject({ addedById: sam.userId });
  });

  it('an address without an account is invited, and joins the space when they accept (as Member when approved as User)', async () => {
    const email = 'riley@acme.com';
    const request = await requestFor(omar, 'OPS', email);
    expect(await approve(request.id, 'USER')).toEqual({ role: 'USER' });
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email, state: 'PENDING' } });
    expect(invitation.spaceId).toBe(await spaceId('OPS'));
    const outboxRow = await t.db.outboxEmail.findFirstOrThrow({ where: { to: email, template: 'invitation' }, orderBy: { createdAt: 'desc' } });
    expect(await describeInvitation(t.db, (outboxRow.payload as { token: string }).token)).toMatchObject({ state: 'VALID', role: 'USER', spaceName: 'Operations' });
    // Nothing in the space before they accept.
    expect(await t.db.spaceMembership.count({ where: { user: { email } } })).toBe(0);
    const { userId } = await acceptInvitationWithNewAccount(t.db, (outboxRow.payload as { token: string }).token, { name: 'Riley Quinn', password: 'long-enough-pw' });
    expect(await roleIn('OPS', email)).toBe('MEMBER');
    expect(await t.db.guestSpaceAssignment.count({ where: { userId } })).toBe(0);
  });

  it('when the asked-for space is deleted before they accept, acceptance still succeeds, without a space', async () => {
    const email = 'sky@partner.example';
    const site = await t.db.site.findFirstOrThrow();
    const temporary = await t.db.space.create({ data: { siteId: site.id, key: 'TMP', name: 'Temporary' } });
    await t.db.spaceMembership.create({ data: { spaceId: temporary.id, userId: sam.userId, role: 'ADMINISTRATOR' } });
    const request = await requestFor(sam, 'TMP', email);
    await approve(request.id);
    const outbox = await t.db.outboxEmail.findFirstOrThrow({ where: { to: email, template: 'invitation' }, orderBy: { createdAt: 'desc' } });
    await t.db.space.delete({ where: { id: temporary.id } });
    const { userId } = await acceptInvitationWithNewAccount(t.db, (outbox.payload as { token: string }).token, { name: 'Sky Doe', password: 'long-enough-pw' });
    expect(await t.db.spaceMembership.count({ where: { userId } })).toBe(0);
    expect(await t.db.siteUser.count({ where: { userId } })).toBe(1);
  });
});

describe('the one-space race', () => {
  let r: TestDatabase;
  let rsam: Viewer;
  let romar: Viewer;
  let ralana: Viewer;
  let jordanId: string;
  let spaces: Record<'MKT' | 'OPS', string>;

  beforeAll(async () => {
    r = await createTestDatabase();
    await seedDemo(r.db);
    [rsam, romar, ralana] = await Promise.all(['sam.rivera@acme.com', 'omar.haddad@acme.com', 'alana.admin@acme.com'].map((e) => viewerFor(r.db, e)));
    jordanId = (await r.db.user.findUniqueOrThrow({ where: { email: JORDAN } })).id;
    const all = await r.db.space.findMany();
    spaces = { MKT: all.find((s) => s.key === 'MKT')!.id, OPS: all.find((s) => s.key === 'OPS')!.id };
  });
  afterAll(() => r.drop());

  /** Adds Jordan to MKT (as sam) and OPS (as omar) at once, each from its own client, and checks one won. */
  async function round(a: Db, b: Db, gate?: () => Promise<void>) {
    const audits = await r.db.auditEvent.count({ where: { action: 'space.member.added' } });
    const racing = Promise.all([
      addPeople(a, rsam, 'MKT', { emails: [JORDAN], role: 'GUEST' }, auditOf(rsam)),
      addPeople(b, romar, 'OPS', { emails: [JORDAN], role: 'GUEST' }, auditOf(romar)),
    ]);
    await gate?.();
    const [[mkt], [ops]] = await racing;
    const winner = mkt.outcome === 'ADDED' ? 'MKT' : 'OPS';
    const loser = winner === 'MKT' ? ops : mkt;
    expect([mkt.outcome, ops.outcome].sort()).toEqual(['ADDED', 'REFUSED']);
    expect(loser.message).toBe(`Jordan Blake ${winner === 'MKT' ? ONE_SPACE_MKT : ONE_SPACE_OPS}`);
    expect(await r.db.spaceMembership.findMany({ where: { userId: jordanId }, select: { spaceId: true, role: true } })).toEqual([{ spaceId: spaces[winner], role: 'GUEST' }]);
    expect(await r.db.guestSpaceAssignment.findMany({ where: { userId: jordanId }, select: { spaceId: true } })).toEqual([{ spaceId: spaces[winner] }]);
    expect(await r.db.auditEvent.count({ where: { action: 'space.member.added' } })).toBe(audits + 1);
    await removeFromSpace(r.db, ralana, winner, { userId: jordanId }, auditOf(ralana));
    return winner;
  }

  it('50 rounds from two separate clients: exactly one space each time, the loser told where Jordan is', async () => {
    const [a, b] = [createPrismaClient(r.url), createPrismaClient(r.url)];
    try {
      await Promise.all([a.$queryRaw`SELECT 1`, b.$queryRaw`SELECT 1`]);
      const winners = { MKT: 0, OPS: 0 };
      for (let i = 0; i < 50; i++) winners[await round(i % 2 ? a : b, i % 2 ? b : a)]++;
      expect(winners.MKT + winners.OPS).toBe(50);
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
  });

  it('when both get past every check before either writes, the database key alone refuses the second', async () => {
    const [a, b] = [createPrismaClient(r.url), createPrismaClient(r.url)];
    const gate = new pg.Client({ connectionString: r.url });
    await gate.connect();
    await r.db.spaceMembership.deleteMany({ where: { userId: jordanId } });
    try {
      for (let i = 0; i < 5; i++) {
        // Holding SHARE on the assignment table lets both transactions read it (their checks pass)
        // but stops both at the INSERT; released together, only the key is left to decide.
        await gate.query('BEGIN');
        await gate.query('LOCK TABLE "GuestSpaceAssignment" IN SHARE MODE');
        await round(a, b, async () => {
          try {
            const deadline = Date.now() + 5_000;
            for (;;) {
              const { rows } = await gate.query<{ waiting: number }>(
                `SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = '"GuestSpaceAssignment"'::regclass AND NOT granted`,
              );
              if (rows[0].waiting === 2) break;
              if (Date.now() > deadline) throw new Error('both adds never reached the insert');
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          } finally {
            await gate.query('COMMIT');
          }
        });
      }
    } finally {
      await gate.end();
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
  });
});
