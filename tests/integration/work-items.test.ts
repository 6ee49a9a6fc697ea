import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, seedDemo } from '@/prisma/seed';
import { can, type Viewer } from '@/lib/access/policy';
import { findSpaceForViewer, listVisibleSpaces } from '@/lib/spaces/queries';
import { ITEM_NOT_FOUND, itemAccessFor, type ItemAccess } from '@/lib/work-items/access';
import {
  addComment,
  assignWorkItem,
  createWorkItem,
  shareWorkItem,
  transitionWorkItem,
  unshareWorkItem,
  updateWorkItem,
} from '@/lib/work-items/commands';
import { jiraUsersWhere, spaceBrowsersWhere } from '@/lib/work-items/people';
import { assignablePeople, getWorkItem, listShares, shareCandidates } from '@/lib/work-items/queries';
import { WorkItemComments } from '@/components/work-item-comments';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

let t: TestDatabase;
let sam: Viewer, lee: Viewer, priya: Viewer, casey: Viewer, jordan: Viewer, alana: Viewer;

const ref = (key: string) => {
  const [spaceKey, number] = key.split('-');
  return { spaceKey, number: Number(number) };
};
const idOf = async (email: string) => (await t.db.user.findUniqueOrThrow({ where: { email } })).id;
/** Everything a refused write could have touched, to prove it touched nothing. */
const snapshot = (key: string) =>
  t.db.workItem.findFirstOrThrow({
    where: { number: ref(key).number, space: { key: ref(key).spaceKey } },
    select: {
      summary: true,
      description: true,
      status: true,
      assigneeId: true,
      updatedAt: true,
      _count: { select: { comments: true, shares: true } },
    },
  });
const nextNumber = async (spaceKey: string) => (await t.db.space.findFirstOrThrow({ where: { key: spaceKey } })).nextItemNumber;
const forbidden = (message: string) => ({ name: 'DomainError', code: 'FORBIDDEN', message });
const hidden = { name: 'DomainError', code: 'NOT_FOUND', message: ITEM_NOT_FOUND };

const access = (granted: (keyof ItemAccess)[]): ItemAccess => ({
  view: granted.includes('view'),
  browseSpace: granted.includes('browseSpace'),
  viaShare: granted.includes('viaShare'),
  edit: granted.includes('edit'),
  comment: granted.includes('comment'),
  assign: granted.includes('assign'),
  transition: granted.includes('transition'),
  share: granted.includes('share'),
});

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  [sam, lee, priya, casey, jordan, alana] = await Promise.all(
    [
      'sam.rivera@acme.com',
      'lee.chen@acme.com',
      'priya.shah@acme.com',
      'casey.jones@brightagency.io',
      'jordan.blake@northwind-consulting.com',
      'alana.admin@acme.com',
    ].map((email) => viewerFor(t.db, email)),
  );
});
afterAll(() => t.drop());

describe('Reading a work item', () => {
  it('shows the guest of MKT the item with its people by name only, comments in order', async () => {
    const view = await getWorkItem(t.db, casey, ref('MKT-1'));
    expect(view).toMatchObject({
      key: 'MKT-1',
      summary: 'Draft Q1 launch campaign brief',
      description: 'Goals, audiences and channels for the spring launch.',
      status: 'IN_PROGRESS',
      space: { key: 'MKT', name: 'Marketing' },
      reporter: { name: 'Sam Rivera' },
      assignee: { name: 'Casey Jones' },
    });
    expect(view!.comments.map((c) => [c.author?.name, c.body])).toEqual([
      ['Sam Rivera', 'Please include the partner co-marketing slots.'],
      ['Casey Jones', 'Added a section on partners; ready for review Friday.'],
    ]);
    expect(view!.access).toEqual(access(['view', 'browseSpace', 'comment']));
    expect(JSON.stringify(view)).not.toContain('@');
  });

  it.each([
    ['sam (MKT Administrator)', 'sam', 'MKT-1', ['view', 'browseSpace', 'edit', 'comment', 'assign', 'transition', 'share']],
    ['lee (MKT Member)', 'lee', 'MKT-1', ['view', 'browseSpace', 'edit', 'comment', 'assign', 'transition', 'share']],
    ['priya (licensed, not in MKT: browse only)', 'priya', 'MKT-1', ['view', 'browseSpace', 'share']],
    ['sam (ENG Viewer)', 'sam', 'ENG-1', ['view', 'browseSpace', 'comment', 'share']],
    ['alana (site admin)', 'alana', 'ENG-1', ['view', 'browseSpace', 'edit', 'comment', 'assign', 'transition', 'share']],
    ['casey on an item she reported', 'casey', 'MKT-4', ['view', 'browseSpace', 'edit', 'comment']],
    ['casey on an item someone else reported', 'casey', 'MKT-2', ['view', 'browseSpace', 'comment']],
  ] as const)('%s: %s %s', async (_label, who, key, granted) => {
    const viewer = { sam, lee, priya, casey, alana }[who];
    const view = await getWorkItem(t.db, viewer, ref(key));
    expect(view?.key).toBe(key);
    expect(view!.access).toEqual(access([...granted]));
  });

  it('hides items outside what the viewer may browse exactly like items that do not exist', async () => {
    expect(await getWorkItem(t.db, casey, ref('ENG-1'))).toBeNull();
    expect(await getWorkItem(t.db, casey, ref('OPS-1'))).toBeNull();
    expect(await getWorkItem(t.db, jordan, ref('MKT-1'))).toBeNull();
    expect(await getWorkItem(t.db, sam, ref('MKT-99'))).toBeNull();
    expect(await getWorkItem(t.db, sam, { spaceKey: 'mkt', number: 1 })).toBeNull();
    // Positive control: the same items exist for someone who may browse them.
    expect((await getWorkItem(t.db, alana, ref('OPS-1')))?.summary).toBe('On-call schedule for December');
    await expect(addComment(t.db, casey, { ...ref('ENG-99'), body: 'hello' })).rejects.toMatchObject(hidden);
    await expect(addComment(t.db, casey, { ...ref('ENG-1'), body: 'hello' })).rejects.toMatchObject(hidden);
  });

  it('renders comment bodies as escaped text', async () => {
    const body = '<img src=x onerror="alert(1)"> & <script>alert(2)</script>';
    await addComment(t.db, lee, { ...ref('MKT-3'), body });
    const view = await getWorkItem(t.db, lee, ref('MKT-3'));
    expect(view!.comments.at(-1)!.body).toBe(body);
    const html = renderToStaticMarkup(
      createElement(WorkItemComments, { comments: view!.comments.map((c) => ({ id: c.id, body: c.body, when: 'now', author: c.author?.name ?? null })) }),
    );
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
  });
});

describe('Create', () => {
  it('numbers new items from the space counter (MKT-5, MKT-6), reporter is the creator', async () => {
    const first = await createWorkItem(t.db, lee, { spaceKey: 'MKT', summary: '  Plan webinar  ', description: 'Speakers\r\nand dates', assigneeId: await idOf('casey.jones@brightagency.io') });
    const second = await createWorkItem(t.db, casey, { spaceKey: 'MKT', summary: 'Agency feedback round 2' });
    expect([first.key, second.key]).toEqual(['MKT-5', 'MKT-6']);
    expect(await getWorkItem(t.db, lee, ref('MKT-5'))).toMatchObject({
      summary: 'Plan webinar',
      description: 'Speakers\nand dates',
      status: 'TO_DO',
      reporter: { name: 'Lee Chen' },
      assignee: { name: 'Casey Jones' },
    });
    expect(await getWorkItem(t.db, casey, ref('MKT-6'))).toMatchObject({ reporter: { name: 'Casey Jones' }, assignee: null, description: '' });
    expect(await nextNumber('MKT')).toBe(7);
  });

  it('gives concurrent creates distinct, consecutive numbers', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createWorkItem(t.db, i % 2 ? sam : lee, { spaceKey: 'MKT', summary: `Parallel ${i}` })),
    );
    expect(created.map((c) => c.number).sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(await nextNumber('MKT')).toBe(15);
  });

  it('validates summary (required, ≤ 255), description (≤ 10,000) and creates nothing on refusal', async () => {
    const before = await t.db.workItem.count();
    await expect(createWorkItem(t.db, lee, { spaceKey: 'MKT', summary: '   ' })).rejects.toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { summary: 'Enter a summary.' } });
    await expect(createWorkItem(t.db, lee, { spaceKey: 'MKT', summary: 'x'.repeat(256) })).rejects.toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { summary: 'Keep the summary to 255 characters or fewer.' } });
    await expect(createWorkItem(t.db, lee, { spaceKey: 'MKT', summary: 'ok', description: 'x'.repeat(10_001) })).rejects.toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { description: 'Keep the description to 10,000 characters or fewer.' } });
    expect(await t.db.workItem.count()).toBe(before);
    expect(await nextNumber('MKT')).toBe(15);
    // Positive control: the limits themselves are accepted.
    const edge = await createWorkItem(t.db, lee, { spaceKey: 'MKT', summary: 'y'.repeat(255), description: 'z'.repeat(10_000) });
    expect(edge.key).toBe('MKT-15');
  });

  it('refuses create without the create permission, and assignees the policy would not allow', async () => {
    const eng = await nextNumber('ENG');
    await expect(createWorkItem(t.db, sam, { spaceKey: 'ENG', summary: 'Viewer tries' })).rejects.toMatchObject(forbidden("You can't create work items in this space."));
    await expect(createWorkItem(t.db, casey, { spaceKey: 'ENG', summary: 'Guest elsewhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createWorkItem(t.db, jordan, { spaceKey: 'MKT', summary: 'No space' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createWorkItem(t.db, casey, { spaceKey: 'MKT', summary: 'Assign at create', assigneeId: casey.userId })).rejects.toMatchObject(
      forbidden("You can't assign work items in this space, so leave Assignee empty."),
    );
    await expect(createWorkItem(t.db, lee, { spaceKey: 'MKT', summary: 'To a spaceless guest', assigneeId: jordan.userId })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      fieldErrors: { assigneeId: 'Choose someone who can see this space.' },
    });
    expect(await nextNumber('ENG')).toBe(eng);
    expect(await nextNumber('MKT')).toBe(16);
    // Positive control: the ENG administrator creates there.
    expect((await createWorkItem(t.db, priya, { spaceKey: 'ENG', summary: 'Admin creates' })).key).toBe(`ENG-${eng}`);
  });
});

describe('Edit', () => {
  it('a guest edits items she reported, not others’; a member edits any', async () => {
    const mine = await updateWorkItem(t.db, casey, { ...ref('MKT-4'), summary: 'Brand guidelines v3 review (agency)' });
    expect(mine.summary).toBe('Brand guidelines v3 review (agency)');

    const before = await snapshot('MKT-1');
    await expect(updateWorkItem(t.db, casey, { ...ref('MKT-1'), description: 'Rewritten by the agency' })).rejects.toMatchObject(
      forbidden('Guests can only edit work items they created.'),
    );
    expect(await snapshot('MKT-1')).toEqual(before);

    await updateWorkItem(t.db, lee, { ...ref('MKT-1'), description: 'Goals, audiences, channels and partners.' });
    expect((await snapshot('MKT-1')).description).toBe('Goals, audiences, channels and partners.');
  });

  it('a Viewer cannot edit; an empty summary is refused', async () => {
    const before = await snapshot('ENG-1');
    await expect(updateWorkItem(t.db, sam, { ...ref('ENG-1'), summary: 'Viewer edit' })).rejects.toMatchObject(
      forbidden("You don't have permission to edit this work item."),
    );
    await expect(updateWorkItem(t.db, priya, { ...ref('ENG-1'), summary: ' ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await snapshot('ENG-1')).toEqual(before);
  });
});

describe('Comment', () => {
  it('guests and Viewers comment; licensed non-members (browse only) cannot', async () => {
    await addComment(t.db, casey, { ...ref('MKT-2'), body: 'New screenshots attached.' });
    await addComment(t.db, sam, { ...ref('ENG-1'), body: 'Marketing needs the window dates.' });
    expect((await getWorkItem(t.db, lee, ref('MKT-2')))!.comments.map((c) => [c.author?.name, c.body])).toEqual([['Casey Jones', 'New screenshots attached.']]);
    expect((await getWorkItem(t.db, priya, ref('ENG-1')))!.comments.at(-1)).toMatchObject({ author: { name: 'Sam Rivera' }, body: 'Marketing needs the window dates.' });

    const before = await snapshot('MKT-2');
    await expect(addComment(t.db, priya, { ...ref('MKT-2'), body: 'Drive-by' })).rejects.toMatchObject(
      forbidden("You don't have permission to comment on this work item."),
    );
    await expect(addComment(t.db, casey, { ...ref('MKT-2'), body: '   ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await snapshot('MKT-2')).toEqual(before);
  });
});

describe('Status and assignee', () => {
  it('guests and Viewers cannot change status, not even on their own items; members can', async () => {
    for (const [viewer, key] of [[casey, 'MKT-1'], [casey, 'MKT-4'], [sam, 'ENG-2'], [priya, 'MKT-2']] as const) {
      const before = await snapshot(key);
      await expect(transitionWorkItem(t.db, viewer, { ...ref(key), status: 'DONE' })).rejects.toMatchObject(
        forbidden("You don't have permission to change the status of this work item."),
      );
      expect(await snapshot(key)).toEqual(before);
    }
    await transitionWorkItem(t.db, lee, { ...ref('MKT-1'), status: 'DONE' });
    expect((await snapshot('MKT-1')).status).toBe('DONE');
  });

  it('guests and Viewers cannot assign; members assign to people who can browse the space', async () => {
    for (const [viewer, key] of [[casey, 'MKT-2'], [casey, 'MKT-4'], [sam, 'ENG-2']] as const) {
      const before = await snapshot(key);
      await expect(assignWorkItem(t.db, viewer, { ...ref(key), assigneeId: viewer.userId })).rejects.toMatchObject(
        forbidden("You don't have permission to assign this work item."),
      );
      expect(await snapshot(key)).toEqual(before);
    }
    await assignWorkItem(t.db, sam, { ...ref('MKT-2'), assigneeId: casey.userId });
    expect((await snapshot('MKT-2')).assigneeId).toBe(casey.userId);
    // Licensed non-members can browse MKT, so they are assignable; a spaceless guest is not.
    await assignWorkItem(t.db, lee, { ...ref('MKT-2'), assigneeId: priya.userId });
    expect((await snapshot('MKT-2')).assigneeId).toBe(priya.userId);
    await expect(assignWorkItem(t.db, lee, { ...ref('MKT-2'), assigneeId: jordan.userId })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // The guest of MKT cannot be assigned work in ENG.
    await expect(assignWorkItem(t.db, priya, { ...ref('ENG-2'), assigneeId: casey.userId })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await assignWorkItem(t.db, lee, { ...ref('MKT-2'), assigneeId: '' });
    expect((await snapshot('MKT-2')).assigneeId).toBeNull();
  });
});

describe('Assignee picker', () => {
  const names = (people: { name: string }[]) => people.map((p) => p.name);

  it('gives the guest only the people of her own space', async () => {
    const people = await assignablePeople(t.db, casey, 'MKT');
    expect(names(people)).toEqual(['Casey Jones', 'Lee Chen', 'Sam Rivera']);
    expect(people.map((p) => p.email)).not.toContain('priya.shah@acme.com');
    expect(await assignablePeople(t.db, casey, 'ENG')).toEqual([]);
    expect(await assignablePeople(t.db, jordan, 'MKT')).toEqual([]);
  });

  it('gives licensed people everyone who can browse the space (licensed users and that space’s guests)', async () => {
    expect(names(await assignablePeople(t.db, lee, 'MKT'))).toEqual(['Alana Admin', 'Casey Jones', 'Lee Chen', 'Omar Haddad', 'Priya Shah', 'Sam Rivera']);
    expect(names(await assignablePeople(t.db, lee, 'ENG'))).toEqual(['Alana Admin', 'Lee Chen', 'Omar Haddad', 'Priya Shah', 'Sam Rivera']);
  });

  it('mirrors the policy: the SQL people filters pick exactly whom the policy lets browse / use Jira', async () => {
    const everyone = await Promise.all(DEMO_PEOPLE.map((p) => viewerFor(t.db, p.email)));
    for (const spaceKey of ['MKT', 'ENG', 'OPS']) {
      const space = await t.db.space.findFirstOrThrow({ where: { key: spaceKey } });
      const byPolicy = [];
      for (const viewer of everyone) if (await findSpaceForViewer(t.db, viewer, spaceKey)) byPolicy.push(viewer.userId);
      const bySql = await t.db.user.findMany({ where: spaceBrowsersWhere(alana.site.id, space.id), select: { id: true } });
      expect(bySql.map((u) => u.id).sort()).toEqual(byPolicy.sort());
    }
    const jiraUsers = await t.db.user.findMany({ where: jiraUsersWhere(alana.site.id), select: { id: true } });
    expect(jiraUsers.map((u) => u.id).sort()).toEqual(everyone.filter((v) => can(v, 'jira.use')).map((v) => v.userId).sort());
  });
});

describe('Explicit sharing', () => {
  it('lee shares ENG-2 with casey: she sees and comments on that one item and nothing else of ENG', async () => {
    const result = await shareWorkItem(t.db, lee, { ...ref('ENG-2'), userId: casey.userId }, auditOf(lee));
    expect(result).toMatchObject({ created: true, sharedWith: { name: 'Casey Jones' } });
    expect(await t.db.auditEvent.findFirst({ where: { action: 'workitem.shared', targetUserId: casey.userId } })).toMatchObject({ actorId: lee.userId, after: { item: 'ENG-2' } });
    expect((await listShares(t.db, lee, ref('ENG-2'))).map((s) => [s.name, s.sharedBy])).toEqual([['Casey Jones', 'Lee Chen']]);

    const view = await getWorkItem(t.db, casey, ref('ENG-2'));
    expect(view).toMatchObject({
      key: 'ENG-2',
      summary: 'Flaky test: invitation expiry',
      space: { key: 'ENG', name: null },
      reporter: { name: 'Priya Shah' },
      assignee: { name: 'Lee Chen' },
    });
    expect(view!.access).toEqual(access(['view', 'viaShare', 'comment']));
    expect(JSON.stringify(view)).not.toContain('@');

    await addComment(t.db, casey, { ...ref('ENG-2'), body: 'Seen this on our side too.' });
    expect((await getWorkItem(t.db, priya, ref('ENG-2')))!.comments.at(-1)).toMatchObject({ author: { name: 'Casey Jones' } });

    // Nothing else of the space: not other items, the list, the space itself, or its people.
    expect(await getWorkItem(t.db, casey, ref('ENG-1'))).toBeNull();
    expect(await findSpaceForViewer(t.db, casey, 'ENG')).toBeNull();
    expect((await listVisibleSpaces(t.db, casey)).map((s) => s.key)).toEqual(['MKT']);
    expect(await assignablePeople(t.db, casey, 'ENG')).toEqual([]);
    expect(await listShares(t.db, casey, ref('ENG-2'))).toEqual([]);
    await expect(createWorkItem(t.db, casey, { spaceKey: 'ENG', summary: 'Via the share' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a share grants no status change, edit, assign or share', async () => {
    const before = await snapshot('ENG-2');
    await expect(transitionWorkItem(t.db, casey, { ...ref('ENG-2'), status: 'DONE' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(updateWorkItem(t.db, casey, { ...ref('ENG-2'), summary: 'Renamed' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(assignWorkItem(t.db, casey, { ...ref('ENG-2'), assigneeId: casey.userId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(shareWorkItem(t.db, casey, { ...ref('ENG-2'), userId: lee.userId }, auditOf(casey))).rejects.toMatchObject(forbidden("Guests can't share work items."));
    expect(await snapshot('ENG-2')).toEqual(before);
    // Positive control: a member of ENG changes its status.
    await transitionWorkItem(t.db, lee, { ...ref('ENG-2'), status: 'IN_PROGRESS' });
    expect((await snapshot('ENG-2')).status).toBe('IN_PROGRESS');
  });

  it('guests cannot share even items of their own space; licensed people who browse can', async () => {
    await expect(shareWorkItem(t.db, casey, { ...ref('MKT-4'), userId: lee.userId }, auditOf(casey))).rejects.toMatchObject(forbidden("Guests can't share work items."));
    await expect(shareCandidates(t.db, casey, { ...ref('MKT-4'), query: '' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await t.db.workItemShare.count({ where: { sharedById: casey.userId } })).toBe(0);
    // Priya only browses MKT, which is enough to share.
    expect(await shareWorkItem(t.db, priya, { ...ref('MKT-4'), userId: lee.userId }, auditOf(priya))).toMatchObject({ created: true });
  });

  it('the share dialog searches people who can use Jira, without those already shared', async () => {
    const search = async (query: string) => (await shareCandidates(t.db, lee, { ...ref('ENG-2'), query })).map((p) => p.email);
    expect(await search('pri')).toEqual(['priya.shah@acme.com']);
    expect(await search('CASEY')).toEqual([]);
    expect(await search('jordan')).toEqual([]);
    expect(await search('morgan')).toEqual([]);
    expect(await search('')).toEqual(['alana.admin@acme.com', 'omar.haddad@acme.com', 'priya.shah@acme.com', 'sam.rivera@acme.com']);
  });

  it('unshare: casey loses the item on her next call', async () => {
    expect(await unshareWorkItem(t.db, lee, { ...ref('ENG-2'), userId: casey.userId }, auditOf(lee))).toEqual({ removed: true });
    expect(await getWorkItem(t.db, casey, ref('ENG-2'))).toBeNull();
    await expect(addComment(t.db, casey, { ...ref('ENG-2'), body: 'Still here?' })).rejects.toMatchObject(hidden);
    expect(await t.db.auditEvent.count({ where: { action: 'workitem.unshared', targetUserId: casey.userId } })).toBe(1);
    expect(await unshareWorkItem(t.db, lee, { ...ref('ENG-2'), userId: casey.userId }, auditOf(lee))).toEqual({ removed: false });
  });

  it('a guest without a space gets nothing from a share: refused up front, ignored if present', async () => {
    await expect(shareWorkItem(t.db, lee, { ...ref('ENG-2'), userId: jordan.userId }, auditOf(lee))).rejects.toMatchObject({
      code: 'REFUSED',
      message: "Jordan Blake can't use Jira on Acme (a guest needs a space first), so sharing wouldn't give them access.",
    });
    expect(await t.db.workItemShare.count({ where: { userId: jordan.userId } })).toBe(0);
    await expect(shareWorkItem(t.db, lee, { ...ref('ENG-2'), userId: await idOf('morgan.lee@freelance.dev') }, auditOf(lee))).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Even a share row written some other way (or left from when they had a space) grants nothing.
    const eng2 = await t.db.workItem.findFirstOrThrow({ where: { number: 2, space: { key: 'ENG' } } });
    await t.db.workItemShare.create({ data: { workItemId: eng2.id, userId: jordan.userId, sharedById: lee.userId } });
    expect(await getWorkItem(t.db, jordan, ref('ENG-2'))).toBeNull();
    await expect(addComment(t.db, jordan, { ...ref('ENG-2'), body: 'hi' })).rejects.toMatchObject(hidden);
    expect(itemAccessFor(jordan, { space: { id: eng2.spaceId }, reporterId: null, viewerRole: null, sharedWithViewer: true })).toEqual(access([]));
    // Positive control: the same share counts for a guest who has a space.
    expect(itemAccessFor(casey, { space: { id: eng2.spaceId }, reporterId: null, viewerRole: null, sharedWithViewer: true })).toEqual(access(['view', 'viaShare', 'comment']));
  });
});
