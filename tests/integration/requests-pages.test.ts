// Approve requests pages by keyset: oldest first, Next and Previous, every pending request reachable
// however many there are, and a tampered cursor starts over instead of failing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { approveRequest, listPendingRequests } from '@/lib/requests/access-requests';
import type { Viewer } from '@/lib/access/policy';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

let t: TestDatabase;
let admin: Viewer;
let sam: Viewer;
const PAGE = 3;
// The demo seed's one pending request (Morgan Lee) is older than these 7.
const asked = Array.from({ length: 7 }, (_, i) => `asker${i + 1}@studio.example`);
const emails = (page: { rows: { email: string }[] }) => page.rows.map((r) => r.email);

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  sam = await viewerFor(t.db, 'sam.rivera@acme.com');
  const site = admin.site.id;
  // Two requests share one instant: the id breaks the tie, so neither is skipped nor shown twice.
  const morgan = await t.db.accessRequest.findFirstOrThrow({ where: { email: 'morgan.lee@freelance.dev' } });
  const base = morgan.createdAt.getTime() + 60_000;
  for (const [i, email] of asked.entries()) {
    const createdAt = new Date(base + Math.min(i, 5) * 60_000);
    await t.db.accessRequest.create({ data: { id: `req${i + 1}`, siteId: site, email, blockingEmail: email, note: `Request ${i + 1}`, createdAt } });
  }
});
afterAll(() => t.drop());

describe('Approve requests: pages of pending requests', () => {
  it('walks every pending request forward, oldest first, then back again', async () => {
    const first = await listPendingRequests(t.db, admin, {}, PAGE);
    expect(emails(first)).toEqual(['morgan.lee@freelance.dev', asked[0], asked[1]]);
    expect(first.previous).toBeNull();
    const second = await listPendingRequests(t.db, admin, { after: first.next }, PAGE);
    expect(emails(second)).toEqual(asked.slice(2, 5));
    const third = await listPendingRequests(t.db, admin, { after: second.next }, PAGE);
    expect(emails(third)).toEqual(asked.slice(5, 7));
    expect(third.next).toBeNull();
    const backToSecond = await listPendingRequests(t.db, admin, { before: third.previous }, PAGE);
    expect(emails(backToSecond)).toEqual(asked.slice(2, 5));
    const backToFirst = await listPendingRequests(t.db, admin, { before: backToSecond.previous }, PAGE);
    expect(emails(backToFirst)).toEqual(['morgan.lee@freelance.dev', asked[0], asked[1]]);
    expect(backToFirst.previous).toBeNull();
  });

  it('a decided request leaves the pages; the next page starts after the last one shown', async () => {
    const first = await listPendingRequests(t.db, admin, {}, PAGE);
    await approveRequest(t.db, admin, first.rows[1].id, undefined, auditOf(admin));
    const again = await listPendingRequests(t.db, admin, {}, PAGE);
    expect(emails(again)).toEqual(['morgan.lee@freelance.dev', asked[1], asked[2]]);
    expect(emails(await listPendingRequests(t.db, admin, { after: again.next }, PAGE))).toEqual(asked.slice(3, 6));
  });

  it('a tampered or foreign cursor shows the first page instead of failing', async () => {
    const forged = [
      'not-base64-json',
      Buffer.from(JSON.stringify(['0000-01-01T00:00:00.000Z', 'abc'])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-11-01T09:00:00.000Z', "x' OR 1=1 --"])).toString('base64url'),
      Buffer.from(JSON.stringify({ at: 1 })).toString('base64url'),
    ];
    for (const cursor of forged) {
      const page = await listPendingRequests(t.db, admin, { after: cursor }, PAGE);
      expect(emails(page)).toEqual(['morgan.lee@freelance.dev', asked[1], asked[2]]);
      expect(page.previous).toBeNull();
    }
  });

  it('is for site admins only', async () => {
    await expect(listPendingRequests(t.db, sam)).rejects.toThrow("You don't have access to this page.");
  });
});
