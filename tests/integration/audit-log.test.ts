import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/lib/db/client';
import { AccessDenied, type Viewer } from '@/lib/access/policy';
import { DomainError } from '@/lib/result';
import { seedDemo } from '@/prisma/seed';
import { grantAccess, revokeInvitation } from '@/lib/invitations/grant';
import { changeJiraRole, suspendAccess } from '@/lib/users/manage';
import {
  AUDIT_ACTION_LABELS,
  auditActionLabel,
  auditLogCsv,
  auditLogHref,
  explainAuditLogQuery,
  formatAuditDate,
  formatAuditDetails,
  listAuditEvents,
  parseAuditLogQuery,
  type AuditLogQuery,
  type AuditLogRow,
} from '@/lib/audit-log';
import { AuditTable } from '@/components/audit-table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

// The export route reads the signed-in viewer and the app's Prisma client; point both at this test.
const routeContext = vi.hoisted(() => ({ viewer: null as Viewer | null, db: null as Db | null }));
vi.mock('@/lib/auth', () => ({ getViewer: async () => routeContext.viewer }));
vi.mock('@/lib/db/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db/client')>()),
  prisma: new Proxy({} as Db, {
    get(_target, property) {
      const value = Reflect.get(routeContext.db!, property);
      return typeof value === 'function' ? value.bind(routeContext.db) : value;
    },
  }),
}));

let t: TestDatabase;
let admin: Viewer;
const userId = async (email: string) => (await t.db.user.findUniqueOrThrow({ where: { email } })).id;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  routeContext.db = t.db;
});
afterAll(() => t.drop());

/** Where each event of the domain calls below is pinned, so dates and order are exact. */
const AT = {
  'site.seeded': '2026-11-20T08:00:00.000Z',
  'invitation.created': '2026-11-25T09:30:00.000Z',
  'user.role.changed': '2026-11-26T00:00:00.000Z',
  'user.suspended': '2026-11-26T23:59:59.999Z',
  'invitation.revoked': '2026-11-27T00:00:00.000Z',
} as const;
const IP = '203.0.113.10';

/** Everything the table shows for a row, as text. */
const shown = (row: AuditLogRow) => [formatAuditDate(row.createdAt), row.actorName, row.actionLabel, row.target.label, row.details, row.ip];

async function everyRow(query: Partial<AuditLogQuery> = {}): Promise<AuditLogRow[]> {
  const page = await listAuditEvents(t.db, admin, query, { pageSize: 1000 });
  expect(page.next).toBeNull();
  return page.rows;
}
const labels = async (query: Partial<AuditLogQuery>) => (await everyRow(query)).map((row) => `${row.actionLabel}: ${row.target.label}`);

async function readAll(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

const EXACT_ROWS = [
  ['Nov 27, 2026, 00:00', 'Alana Admin', 'Invitation revoked', 'taylor.morgan@clientco.com', 'email: taylor.morgan@clientco.com; state: PENDING → REVOKED', IP],
  ['Nov 26, 2026, 23:59', 'Alana Admin', 'Access suspended', 'Casey Jones (casey.jones@brightagency.io)', 'status: ACTIVE → SUSPENDED', IP],
  ['Nov 26, 2026, 00:00', 'Alana Admin', 'Role changed', 'Omar Haddad (omar.haddad@acme.com)', 'jiraRole: USER → ADMIN', IP],
  ['Nov 25, 2026, 09:30', 'Alana Admin', 'Invited user', 'nina.park@studio.example', 'role: GUEST; email: nina.park@studio.example; personalMessage: Welcome to the launch', IP],
  ['Nov 20, 2026, 08:00', 'Portico', 'Site created', '', 'people: 9; spaces: 3', null],
];

describe('Audit log: the events of real domain calls', () => {
  beforeAll(async () => {
    const audit = auditOf(admin);
    const invited = await grantAccess(t.db, admin, { emails: ['Nina.Park@studio.example'], role: 'GUEST', personalMessage: 'Welcome to the launch', resend: [] }, audit);
    expect(invited.map((row) => row.result)).toEqual(['INVITED']);
    await changeJiraRole(t.db, admin, await userId('omar.haddad@acme.com'), 'ADMIN', audit);
    await suspendAccess(t.db, admin, await userId('casey.jones@brightagency.io'), audit);
    const taylor = await t.db.invitation.findFirstOrThrow({ where: { email: 'taylor.morgan@clientco.com' } });
    await revokeInvitation(t.db, admin, taylor.id, audit);
    for (const [action, at] of Object.entries(AT)) {
      const { count } = await t.db.auditEvent.updateMany({ where: { action }, data: { createdAt: new Date(at) } });
      expect(count, action).toBe(1);
    }
  });

  it('shows date (UTC), actor, action label, target, details and IP of each, newest first', async () => {
    const page = await listAuditEvents(t.db, admin);
    expect(page.rows.map(shown)).toEqual(EXACT_ROWS);
    expect(page.next).toBeNull();
    expect(page.previous).toBeNull();
    // The actor is the person with their address; system events have none.
    expect(page.rows[0].actor).toEqual({ id: admin.userId, name: 'Alana Admin', email: 'alana.admin@acme.com' });
    expect(page.rows[4].actor).toBeNull();
    expect(page.rows[1].target).toEqual({ name: 'Casey Jones', email: 'casey.jones@brightagency.io', label: 'Casey Jones (casey.jones@brightagency.io)' });
    expect(page.rows.map((row) => row.action)).toEqual(['invitation.revoked', 'user.suspended', 'user.role.changed', 'invitation.created', 'site.seeded']);
  });

  it('renders them as a plain table, escaping what people typed', async () => {
    const rows = await everyRow();
    const html = renderToStaticMarkup(createElement(AuditTable, { rows, emptyMessage: 'No activity yet.' }));
    expect(html).toContain('>Nov 26, 2026, 00:00</time>');
    expect(html).toContain('2026-11-26T00:00:00.000Z');
    expect(html).toMatch(/<th scope="col"[^>]*>Date \(UTC\)<\/th>.*>Actor<.*>Action<.*>Target<.*>Details<.*>IP</s);
    expect(html).toContain('jiraRole: USER → ADMIN');
    expect(html).toContain('Portico');

    const hostile: AuditLogRow = { ...rows[0], target: { name: '<img src=x onerror=alert(1)>', email: 'x@example.com', label: '' }, details: 'note: <script>alert(1)</script>' };
    const escaped = renderToStaticMarkup(createElement(AuditTable, { rows: [hostile], emptyMessage: '' }));
    expect(escaped).not.toContain('<img');
    expect(escaped).not.toContain('<script>');
    expect(escaped).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(escaped).toContain('note: &lt;script&gt;alert(1)&lt;/script&gt;');

    expect(renderToStaticMarkup(createElement(AuditTable, { rows: [], emptyMessage: 'No activity yet.' }))).toContain('No activity yet.');
  });

  it('labels every action the domain writes, and shows an unknown name as it is', () => {
    // Every action name written anywhere in lib/ or the seed has a label (so new actions fail here).
    const written = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'generated') visit(full);
        } else if (/\.tsx?$/.test(entry.name) && !full.endsWith('audit-log.ts')) {
          for (const match of fs.readFileSync(full, 'utf8').matchAll(/action: (?:granted \? )?'([a-z_]+\.[a-z_.]+)'(?: : '([a-z_]+\.[a-z_.]+)')?/g)) {
            written.add(match[1]);
            if (match[2]) written.add(match[2]);
          }
        }
      }
    };
    visit('lib');
    written.add('site.seeded');
    expect(written.size).toBeGreaterThan(15);
    expect([...written].filter((action) => !Object.hasOwn(AUDIT_ACTION_LABELS, action)).sort()).toEqual([]);
    expect(auditActionLabel('invitation.created')).toBe('Invited user');
    expect(auditActionLabel('invitation.resent')).toBe('Invitation resent');
    expect(auditActionLabel('user.access.removed')).toBe('Access removed');
    expect(auditActionLabel('user.role.changed')).toBe('Role changed');
    expect(auditActionLabel('report.exported')).toBe('report.exported');
    expect(auditActionLabel('constructor')).toBe('constructor');
  });

  it('renders before → after as compact "key: old → new" text', () => {
    // user.access.removed: a one-sided empty value is left out.
    expect(formatAuditDetails({ jiraRole: 'USER', space: null, siteAdmin: false }, { jiraRole: null })).toBe('jiraRole: USER → none; siteAdmin: false');
    expect(formatAuditDetails({ space: 'MKT', role: null }, { space: 'MKT', role: 'GUEST' })).toBe('space: MKT; role: none → GUEST');
    expect(formatAuditDetails(null, { item: 'MKT-3', nested: { a: [1, 2] } })).toBe('item: MKT-3; nested: {"a":[1,2]}');
    expect(formatAuditDetails(null, null)).toBe('');
    expect(formatAuditDetails('"old"', '"new"')).toBe('old → new');
    expect(formatAuditDetails(null, { message: 'line one\nline two\u0000' })).toBe('message: line one line two ');
    expect(formatAuditDetails(null, { note: 'x'.repeat(500) })).toBe(`note: ${'x'.repeat(119)}…`);
  });
});

describe('Audit log: filters', () => {
  let otherSiteEvent: bigint;

  beforeAll(async () => {
    // Another site's events never show, whatever the filters.
    const organization = await t.db.organization.create({ data: { name: 'Globex' } });
    const site = await t.db.site.create({ data: { organizationId: organization.id, slug: 'globex', name: 'Globex' } });
    const event = await t.db.auditEvent.create({
      data: { siteId: site.id, actorId: admin.userId, action: 'user.suspended', targetUserId: await userId('lee.chen@acme.com'), createdAt: new Date(AT['user.suspended']) },
    });
    otherSiteEvent = event.id;
    await t.db.auditEvent.create({ data: { siteId: null, action: 'user.suspended', createdAt: new Date(AT['user.suspended']) } });
  });

  it('scopes every query to the viewer’s site', async () => {
    const rows = await everyRow();
    expect(rows).toHaveLength(5);
    expect(rows.map((row) => row.id)).not.toContain(otherSiteEvent.toString());
    expect(await labels({ action: 'user.suspended' })).toEqual(['Access suspended: Casey Jones (casey.jones@brightagency.io)']);
  });

  it('filters by action', async () => {
    expect(await labels({ action: 'user.role.changed' })).toEqual(['Role changed: Omar Haddad (omar.haddad@acme.com)']);
    expect(await labels({ action: 'invitation.created' })).toEqual(['Invited user: nina.park@studio.example']);
    expect(await labels({ action: 'billing.plan.changed' })).toEqual([]);
  });

  it('filters by actor name or email, case-insensitively; "Portico" finds system events', async () => {
    const byAlana = ['Invitation revoked', 'Access suspended', 'Role changed', 'Invited user'];
    expect((await everyRow({ actor: 'alana' })).map((row) => row.actionLabel)).toEqual(byAlana);
    expect((await everyRow({ actor: 'ALANA.ADMIN@acme' })).map((row) => row.actionLabel)).toEqual(byAlana);
    expect((await everyRow({ actor: 'Admin' })).map((row) => row.actionLabel)).toEqual(byAlana);
    // One or two characters match the start of the name, a word in it, or the email.
    expect((await everyRow({ actor: 'ad' })).map((row) => row.actionLabel)).toEqual(byAlana);
    expect(await everyRow({ actor: 'la' })).toEqual([]);
    expect((await everyRow({ actor: 'portico' })).map((row) => row.actionLabel)).toEqual(['Site created']);
    expect(await everyRow({ actor: 'casey' })).toEqual([]);
    // LIKE wildcards are plain characters.
    expect(await everyRow({ actor: '%' })).toEqual([]);
    expect(await everyRow({ actor: 'alana_admin' })).toEqual([]);
  });

  it('filters by target: a person by name or email, an invitation by its address', async () => {
    expect(await labels({ target: 'casey' })).toEqual(['Access suspended: Casey Jones (casey.jones@brightagency.io)']);
    expect(await labels({ target: 'OMAR.HADDAD@' })).toEqual(['Role changed: Omar Haddad (omar.haddad@acme.com)']);
    expect(await labels({ target: 'clientco' })).toEqual(['Invitation revoked: taylor.morgan@clientco.com']);
    expect(await labels({ target: 'nina.park' })).toEqual(['Invited user: nina.park@studio.example']);
    expect(await labels({ target: 'Haddad', actor: 'alana', action: 'user.role.changed' })).toEqual(['Role changed: Omar Haddad (omar.haddad@acme.com)']);
    expect(await labels({ target: 'Haddad', action: 'user.suspended' })).toEqual([]);
    expect(await labels({ target: 'lee' })).toEqual([]);
  });

  it('filters by a range of UTC days, both ends inclusive', async () => {
    const actions = async (from: string | null, to: string | null) => (await everyRow({ from, to })).map((row) => row.action);
    expect(await actions('2026-11-26', '2026-11-26')).toEqual(['user.suspended', 'user.role.changed']);
    expect(await actions('2026-11-27', null)).toEqual(['invitation.revoked']);
    expect(await actions(null, '2026-11-25')).toEqual(['invitation.created', 'site.seeded']);
    expect(await actions('2026-11-21', '2026-11-24')).toEqual([]);
    // Typed the wrong way round, the range still means the same days.
    expect(await actions('2026-11-26', '2026-11-25')).toEqual(['user.suspended', 'user.role.changed', 'invitation.created']);
    expect((await everyRow({ from: '2026-11-26', to: '2026-11-27', actor: 'alana', action: 'user.suspended' })).map((row) => row.action)).toEqual(['user.suspended']);
  });

  it('reads the query string with zod; bad values fall back, never an error', async () => {
    const defaults = { actor: '', action: null, target: '', from: null, to: null, after: null, before: null };
    expect(parseAuditLogQuery({})).toEqual(defaults);
    expect(
      parseAuditLogQuery({ action: 'user.deleted', from: '2026-02-30', to: 'yesterday', after: 'x'.repeat(300), before: ['', 'y'], actor: 'x'.repeat(300), target: 'a\u0000b' }),
    ).toEqual({ ...defaults, actor: 'x'.repeat(100), target: 'a b' });
    expect(parseAuditLogQuery({ action: 'toString', from: '1969-12-31', to: '+02026-11-26' })).toEqual(defaults);
    expect(parseAuditLogQuery(new URLSearchParams('actor=%20Alana%20&action=user.suspended&target=casey&from=2026-11-27&to=2026-11-01&after=abc'))).toEqual({
      actor: 'Alana', action: 'user.suspended', target: 'casey', from: '2026-11-01', to: '2026-11-27', after: 'abc', before: null,
    });
    expect(parseAuditLogQuery({ actor: ['first', 'second'], action: ['user.restored', 'user.suspended'] })).toMatchObject({ actor: 'first', action: 'user.restored' });
    // The data function takes what a caller hands it just as carefully.
    expect(await everyRow({ action: 'nope' as never, from: 'garbage', to: '2026-13-01' })).toHaveLength(5);
  });

  it('builds links that keep the filters', () => {
    const query = parseAuditLogQuery({ actor: 'alana', action: 'user.suspended', from: '2026-11-01', to: '2026-11-30', target: 'a&b' });
    expect(auditLogHref(query)).toBe('/admin/audit-log?actor=alana&action=user.suspended&target=a%26b&from=2026-11-01&to=2026-11-30');
    expect(auditLogHref(query, { after: 'abc' }, '/admin/audit-log/export')).toBe('/admin/audit-log/export?actor=alana&action=user.suspended&target=a%26b&from=2026-11-01&to=2026-11-30&after=abc');
    expect(auditLogHref(parseAuditLogQuery({}))).toBe('/admin/audit-log');
    expect(parseAuditLogQuery(new URL(`http://x${auditLogHref(query)}`).searchParams)).toEqual(query);
  });

  it('ignores a tampered cursor and shows the first page', async () => {
    const first = await listAuditEvents(t.db, admin, {}, { pageSize: 2 });
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of ['not-base64!', forged({ a: 1 }), forged(['yesterday', '1']), forged(['2026-11-26T00:00:00.000Z', '0']), forged(['2026-11-26T00:00:00.000Z', '99999999999999999999']), forged(['2026-11-26T00:00:00.000Z', "1' OR 1=1"]), forged(['0000-01-01T00:00:00Z', '1']), forged(['2026-11-26T00:00:00+01:00', '1'])]) {
      const page = await listAuditEvents(t.db, admin, { after: bad }, { pageSize: 2 });
      expect(page.rows).toEqual(first.rows);
      expect(page.previous).toBeNull();
    }
  });
});

describe('Export audit log (CSV)', () => {
  const HEADER = '\uFEFFDate,Actor,Actor email,Action,Target,Details,IP\r\n';
  const EVIL = `=cmd|' /C calc'!A0`;

  it('writes the exact header and one line per matching event, every batch of them', async () => {
    const csv = await readAll(auditLogCsv(t.db, admin, {}, { batchSize: 2 }));
    expect(csv.startsWith(HEADER)).toBe(true);
    const lines = csv.slice(HEADER.length).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual([
      `2026-11-27T00:00:00.000Z,Alana Admin,alana.admin@acme.com,Invitation revoked,taylor.morgan@clientco.com,email: taylor.morgan@clientco.com; state: PENDING → REVOKED,${IP}`,
      `2026-11-26T23:59:59.999Z,Alana Admin,alana.admin@acme.com,Access suspended,Casey Jones (casey.jones@brightagency.io),status: ACTIVE → SUSPENDED,${IP}`,
      `2026-11-26T00:00:00.000Z,Alana Admin,alana.admin@acme.com,Role changed,Omar Haddad (omar.haddad@acme.com),jiraRole: USER → ADMIN,${IP}`,
      `2026-11-25T09:30:00.000Z,Alana Admin,alana.admin@acme.com,Invited user,nina.park@studio.example,role: GUEST; email: nina.park@studio.example; personalMessage: Welcome to the launch,${IP}`,
      '2026-11-20T08:00:00.000Z,Portico,,Site created,,people: 9; spaces: 3,',
    ]);
  });

  it('exports only the filtered events, ignoring any page cursor', async () => {
    const first = await listAuditEvents(t.db, admin, {}, { pageSize: 1 });
    const csv = await readAll(auditLogCsv(t.db, admin, { actor: 'alana', from: '2026-11-26', after: first.next }));
    expect(csv.slice(HEADER.length).split('\r\n').filter(Boolean).map((line) => line.split(',')[3])).toEqual(['Invitation revoked', 'Access suspended', 'Role changed']);
  });

  it('neutralizes spreadsheet formulas in names', async () => {
    const site = await t.db.site.findFirstOrThrow({ where: { slug: admin.site.slug } });
    const jira = await t.db.app.findFirstOrThrow({ where: { siteId: site.id, kind: 'JIRA' } });
    const evil = await t.db.user.create({ data: { email: 'evil@evil.example', emailDomain: 'evil.example', name: EVIL } });
    await t.db.siteUser.create({ data: { siteId: site.id, userId: evil.id } });
    await t.db.appRole.create({ data: { appId: jira.id, userId: evil.id, role: 'GUEST' } });
    await suspendAccess(t.db, admin, evil.id, auditOf(admin));
    const csv = await readAll(auditLogCsv(t.db, admin, { target: 'evil.example' }));
    expect(csv.slice(HEADER.length).split('\r\n')[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,Alana Admin,alana\.admin@acme\.com,Access suspended,'=cmd\|' \/C calc'!A0 \(evil@evil\.example\),status: ACTIVE → SUSPENDED,203\.0\.113\.10$/,
    );
    // The page shows the name as it is (escaped as text, never run).
    const [row] = await everyRow({ target: 'evil.example' });
    expect(row.target.name).toBe(EVIL);
    await t.db.auditEvent.deleteMany({ where: { targetUserId: evil.id } });
  });

  it('GET /admin/audit-log/export: 401 signed out, 403 for a licensed user, else a CSV attachment of the filtered events', async () => {
    const { GET } = await import('@/app/(site)/admin/audit-log/export/route');
    const request = () => new Request('http://localhost/admin/audit-log/export?action=user.role.changed&from=2026-11-01&bogus=1');

    routeContext.viewer = null;
    const signedOut = await GET(request());
    expect(signedOut.status).toBe(401);
    expect(await signedOut.text()).not.toContain('Omar');
    routeContext.viewer = await viewerFor(t.db, 'lee.chen@acme.com');
    const refused = await GET(request());
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('Omar');

    routeContext.viewer = admin;
    const response = await GET(request());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe(
      `Date,Actor,Actor email,Action,Target,Details,IP\r\n2026-11-26T00:00:00.000Z,Alana Admin,alana.admin@acme.com,Role changed,Omar Haddad (omar.haddad@acme.com),jiraRole: USER → ADMIN,${IP}\r\n`,
    );
    // A hand-edited query string still exports (falls back to no filter), never a 500.
    const odd = await GET(new Request('http://localhost/admin/audit-log/export?action=%00&from=2026-99-99&after=%E0%A4%A'));
    expect(odd.status).toBe(200);
    expect((await odd.text()).split('\r\n').filter(Boolean)).toHaveLength(1 + 5);
    routeContext.viewer = null;
  });
});

describe('Audit log: who may read it', () => {
  it('refuses everyone without admin.audit.view: a licensed user, a guest, a Jira admin', async () => {
    // Omar became a Jira admin above: administering Jira is not administering the site.
    for (const email of ['lee.chen@acme.com', 'jordan.blake@northwind-consulting.com', 'omar.haddad@acme.com']) {
      const viewer = await viewerFor(t.db, email);
      await expect(listAuditEvents(t.db, viewer)).rejects.toBeInstanceOf(AccessDenied);
      await expect(explainAuditLogQuery(t.db, viewer)).rejects.toBeInstanceOf(AccessDenied);
      expect(() => auditLogCsv(t.db, viewer)).toThrow(AccessDenied);
    }
  });

  it('refuses a suspended site admin', async () => {
    const site = await t.db.site.findFirstOrThrow({ where: { slug: admin.site.slug } });
    await t.db.siteUser.update({ where: { siteId_userId: { siteId: site.id, userId: admin.userId } }, data: { suspendedAt: new Date() } });
    try {
      const suspended = await viewerFor(t.db, 'alana.admin@acme.com');
      await expect(listAuditEvents(t.db, suspended)).rejects.toBeInstanceOf(AccessDenied);
    } finally {
      await t.db.siteUser.update({ where: { siteId_userId: { siteId: site.id, userId: admin.userId } }, data: { suspendedAt: null } });
    }
  });
});

describe('Audit rows are written in the same transaction as their change', () => {
  const PROBE_IP = '198.51.100.99';

  beforeAll(async () => {
    // Fails COMMIT (a deferred constraint trigger runs at commit) of any transaction that wrote an
    // audit row from PROBE_IP: the domain call has made its change and written its row by then.
    await t.db.$executeRawUnsafe(`CREATE FUNCTION audit_probe_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'forced rollback after audit row % (%)', NEW."id", NEW."action"; END $$`);
    await t.db.$executeRawUnsafe(`CREATE CONSTRAINT TRIGGER audit_probe_fail AFTER INSERT ON "AuditEvent" DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW."ip" = '${PROBE_IP}') EXECUTE FUNCTION audit_probe_fail()`);
  });
  afterAll(async () => {
    await t.db.$executeRawUnsafe('DROP TRIGGER IF EXISTS audit_probe_fail ON "AuditEvent"');
    await t.db.$executeRawUnsafe('DROP FUNCTION IF EXISTS audit_probe_fail()');
  });

  it('an invitation whose transaction fails after writing its audit row leaves neither behind', async () => {
    const email = 'rollback.probe@studio.example';
    const before = await t.db.auditEvent.count();
    await expect(
      grantAccess(t.db, admin, { emails: [email], role: 'GUEST', personalMessage: null, resend: [] }, { ...auditOf(admin), ip: PROBE_IP }),
    ).rejects.toThrow(/forced rollback after audit row \d+ \(invitation\.created\)/);
    expect(await t.db.auditEvent.count()).toBe(before);
    expect(await t.db.auditEvent.count({ where: { ip: PROBE_IP } })).toBe(0);
    expect(await t.db.invitation.count({ where: { email } })).toBe(0);
    expect(await t.db.outboxEmail.count({ where: { to: email } })).toBe(0);
  });

  it('a suspension whose transaction fails after writing its audit row is not applied', async () => {
    const jordan = await userId('jordan.blake@northwind-consulting.com');
    const before = await t.db.auditEvent.count();
    await expect(suspendAccess(t.db, admin, jordan, { ...auditOf(admin), ip: PROBE_IP })).rejects.toThrow(/forced rollback after audit row \d+ \(user\.suspended\)/);
    expect(await t.db.auditEvent.count()).toBe(before);
    const siteUser = await t.db.siteUser.findFirstOrThrow({ where: { userId: jordan, siteId: admin.site.id } });
    expect(siteUser.suspendedAt).toBeNull();
    // Without the probe the same call goes through, with its row.
    await suspendAccess(t.db, admin, jordan, auditOf(admin));
    expect(await t.db.auditEvent.count({ where: { action: 'user.suspended', targetUserId: jordan } })).toBe(1);
    await t.db.auditEvent.deleteMany({ where: { action: 'user.suspended', targetUserId: jordan } });
  });

  it('a refused revocation writes no audit row', async () => {
    const taylor = await t.db.invitation.findFirstOrThrow({ where: { email: 'taylor.morgan@clientco.com' } });
    const before = await t.db.auditEvent.count();
    const refused = revokeInvitation(t.db, admin, taylor.id, auditOf(admin));
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await t.db.auditEvent.count()).toBe(before);
    expect(await t.db.auditEvent.count({ where: { action: 'invitation.revoked' } })).toBe(1);
  });
});

describe('Audit log: keyset pagination with ties on the date', () => {
  const EXTRA = 130;
  const OLD_DAYS = { to: '2025-12-31' } as const;

  beforeAll(async () => {
    // 130 events at only 3 instants, with ids interleaved across them: most rows tie on createdAt.
    await t.db.$executeRaw`
      INSERT INTO "AuditEvent" ("siteId", "actorId", "action", "targetType", "targetId", "after", "ip", "createdAt")
      SELECT ${admin.site.id}, ${admin.userId}, 'user.restored', 'user', 'pager' || g, jsonb_build_object('n', g), '192.0.2.1',
        timestamp '2025-06-01 12:00:00' + ((g % 3) || ' hours')::interval
      FROM generate_series(1, ${EXTRA}) g`;
  });

  async function walkForward(query: Partial<AuditLogQuery>, pageSize?: number) {
    const pages: AuditLogRow[][] = [];
    let after: string | null = null;
    let previous: string | null = null;
    do {
      const page = await listAuditEvents(t.db, admin, { ...query, after }, pageSize ? { pageSize } : {});
      expect(page.previous === null).toBe(pages.length === 0);
      pages.push(page.rows);
      after = page.next;
      previous = page.previous;
      expect(pages.length).toBeLessThan(100);
    } while (after);
    return { pages, lastPrevious: previous };
  }

  it('Next visits every event once in (date desc, id desc) order, 50 a page; Previous walks back', async () => {
    const rows = await everyRow(OLD_DAYS);
    expect(rows).toHaveLength(EXTRA);
    expect(new Set(rows.map((row) => row.createdAt.getTime())).size).toBe(3);
    const expected = await t.db.auditEvent.findMany({ where: { siteId: admin.site.id, createdAt: { lt: new Date('2026-01-01') } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    expect(rows.map((row) => row.id)).toEqual(expected.map((row) => row.id.toString()));

    const { pages, lastPrevious } = await walkForward(OLD_DAYS);
    expect(pages.map((page) => page.length)).toEqual([50, 50, 30]);
    const seen = pages.flat().map((row) => row.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(rows.map((row) => row.id));
    // Page boundaries fall inside a run of equal dates.
    expect(pages[0][49].createdAt.getTime()).toBe(pages[1][0].createdAt.getTime());

    const middle = await listAuditEvents(t.db, admin, { ...OLD_DAYS, before: lastPrevious });
    expect(middle.rows.map((row) => row.id)).toEqual(pages[1].map((row) => row.id));
    expect(middle.previous).not.toBeNull();
    const first = await listAuditEvents(t.db, admin, { ...OLD_DAYS, before: middle.previous });
    expect(first.rows.map((row) => row.id)).toEqual(pages[0].map((row) => row.id));
    expect(first.previous).toBeNull();
    expect(first.next).not.toBeNull();
  });

  it('pages the whole log, and a filtered one, the same way in small pages', async () => {
    for (const query of [{}, { action: 'user.restored' as const }, { actor: 'alana', from: '2025-06-01', to: '2025-06-01' }]) {
      const expected = (await everyRow(query)).map((row) => row.id);
      const { pages } = await walkForward(query, 7);
      expect(pages.flat().map((row) => row.id)).toEqual(expected);
    }
    expect((await everyRow({})).length).toBe(5 + EXTRA);
  });

  it('exports every event once across batches', async () => {
    const csv = await readAll(auditLogCsv(t.db, admin, {}, { batchSize: 17 }));
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 5 + EXTRA);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toContain('2025-06-01T14:00:00.000Z,Alana Admin,alana.admin@acme.com,Access restored,user pager2,n: 2,192.0.2.1');
  });
});

describe('Audit log at 50,000 events: the page queries stay index-backed', () => {
  let big: TestDatabase;
  let bigAdmin: Viewer;
  const SEQ_SCAN = /Seq Scan on "AuditEvent"/;
  const INDEX_SCAN = /(Index (Only )?Scan( Backward)? using|Bitmap Index Scan on) "AuditEvent_\w+"/;

  beforeAll(async () => {
    big = await createTestDatabase();
    await seedDemo(big.db);
    bigAdmin = await viewerFor(big.db, 'alana.admin@acme.com');
    const users = await big.db.user.findMany({ select: { id: true }, orderBy: { email: 'asc' } });
    // A year of activity, one event every ten minutes; common actions dominate and a few are rare,
    // as in a real log (a plan change is one in a thousand).
    await big.db.$executeRaw`
      INSERT INTO "AuditEvent" ("siteId", "actorId", "action", "targetType", "targetId", "targetUserId", "before", "after", "ip", "createdAt")
      SELECT ${bigAdmin.site.id}, ${bigAdmin.userId},
        CASE WHEN g % 1000 = 0 THEN 'billing.plan.changed'
             WHEN g % 100 = 0 THEN 'user.suspended'
             ELSE (ARRAY['invitation.created', 'space.member.added', 'workitem.shared', 'user.role.changed', 'invitation.resent'])[g % 5 + 1] END,
        'user', 'bulk' || g, (${users.map((user) => user.id)}::text[])[g % ${users.length} + 1],
        jsonb_build_object('jiraRole', 'USER'), jsonb_build_object('jiraRole', 'ADMIN'), '192.0.2.' || (g % 250),
        timestamp '2025-01-01 00:00:00' + (g * 10 || ' minutes')::interval
      FROM generate_series(1, 50000) g`;
    await big.db.$executeRawUnsafe('ANALYZE "AuditEvent", "User"');
  }, 120_000);
  afterAll(() => big?.drop());

  async function expectIndexBacked(query: Partial<AuditLogQuery>) {
    const plan = await explainAuditLogQuery(big.db, bigAdmin, query);
    expect(plan, plan).not.toMatch(SEQ_SCAN);
    expect(plan, plan).toMatch(INDEX_SCAN);
    return plan;
  }

  it('first page, next page and previous page', async () => {
    await expectIndexBacked({});
    const first = await listAuditEvents(big.db, bigAdmin);
    expect(first.rows).toHaveLength(50);
    const second = await listAuditEvents(big.db, bigAdmin, { after: first.next });
    await expectIndexBacked({ after: first.next });
    await expectIndexBacked({ before: second.previous });
    const deep = await listAuditEvents(big.db, bigAdmin, { from: '2025-03-01', to: '2025-03-01' });
    await expectIndexBacked({ after: deep.next });
  });

  for (const action of ['user.role.changed', 'user.suspended', 'billing.plan.changed'] as const) {
    it(`filtered by action ${action}, alone and with a date range, first and next page`, async () => {
      const plan = await expectIndexBacked({ action });
      expect(plan).toContain('AuditEvent_siteId_action_createdAt_id_idx');
      const page = await listAuditEvents(big.db, bigAdmin, { action });
      expect(page.rows.length).toBe(50);
      expect(page.rows.every((row) => row.action === action)).toBe(true);
      await expectIndexBacked({ action, after: page.next });
      await expectIndexBacked({ action, from: '2025-04-01', to: '2025-04-30' });
    });
  }

  it('filtered by a date range, first and next page', async () => {
    await expectIndexBacked({ from: '2025-04-01', to: '2025-04-07' });
    await expectIndexBacked({ from: '2025-12-01' });
    await expectIndexBacked({ to: '2025-02-01' });
    const page = await listAuditEvents(big.db, bigAdmin, { from: '2025-04-01', to: '2025-04-07' });
    expect(page.rows.map((row) => row.createdAt.toISOString().slice(0, 10)).every((day) => day >= '2025-04-01' && day <= '2025-04-07')).toBe(true);
    await expectIndexBacked({ from: '2025-04-01', to: '2025-04-07', after: page.next });
  });

  it('filtered by actor or target: a selective search reads that person’s index, a broad one the site index', async () => {
    // Lee acted on nothing here: their (actorId, createdAt) index range is empty.
    expect(await expectIndexBacked({ actor: 'lee' })).toContain('AuditEvent_actorId_createdAt_idx');
    await expectIndexBacked({ actor: 'alana' });
    await expectIndexBacked({ actor: 'a' });
    await expectIndexBacked({ actor: 'portico' });
    await expectIndexBacked({ target: 'casey' });
    await expectIndexBacked({ target: 'nobody-such@nowhere.example' });
    await expectIndexBacked({ actor: 'alana', target: 'lee', action: 'user.suspended', from: '2025-06-01' });
  });

  it('reads a page of the rarest action quickly', async () => {
    const plan = await explainAuditLogQuery(big.db, bigAdmin, { action: 'billing.plan.changed' }, { analyze: true });
    // Only the page's rows (and the one that tells there is a next page) are read from the index.
    expect(plan).toMatch(/Index Scan using "AuditEvent_siteId_action_createdAt_id_idx" on "AuditEvent" a .*\(actual time=[\d.]+\.\.[\d.]+ rows=50(\.00)? loops=1\)/);
  });
});
