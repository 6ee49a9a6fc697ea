// Demo organization for a newcomer: `npm start` runs this when the database is empty.
import crypto from 'node:crypto';
import type { Db } from '../lib/db/client';
import { emailDomain, normalizeEmail } from '../lib/email-address';
import { hashPassword } from '../lib/auth/password';

export const DEMO_PASSWORD = 'portico-demo';

export const DEMO_PEOPLE = [
  { key: 'admin', email: 'alana.admin@acme.com', name: 'Alana Admin', persona: 'Site admin' },
  { key: 'sam', email: 'sam.rivera@acme.com', name: 'Sam Rivera', persona: 'Space admin of MKT Marketing' },
  { key: 'priya', email: 'priya.shah@acme.com', name: 'Priya Shah', persona: 'Space admin of ENG Platform' },
  { key: 'lee', email: 'lee.chen@acme.com', name: 'Lee Chen', persona: 'Licensed user' },
  { key: 'omar', email: 'omar.haddad@acme.com', name: 'Omar Haddad', persona: 'Licensed user (OPS)' },
  { key: 'casey', email: 'casey.jones@brightagency.io', name: 'Casey Jones', persona: 'Guest in MKT Marketing' },
  { key: 'jordan', email: 'jordan.blake@northwind-consulting.com', name: 'Jordan Blake', persona: 'Guest with no space yet' },
  { key: 'morgan', email: 'morgan.lee@freelance.dev', name: 'Morgan Lee', persona: 'Not on the site; has a pending access request' },
  { key: 'dana', email: 'dana.kim@pixelworks.studio', name: 'Dana Kim', persona: 'Not on the site; can request access' },
] as const;

type PersonKey = (typeof DEMO_PEOPLE)[number]['key'];

const WORK: Record<string, { summary: string; description: string; status: 'TO_DO' | 'IN_PROGRESS' | 'DONE'; assignee?: PersonKey; reporter: PersonKey; comments?: [PersonKey, string][] }[]> = {
  MKT: [
    { summary: 'Draft Q1 launch campaign brief', description: 'Goals, audiences and channels for the spring launch.', status: 'IN_PROGRESS', assignee: 'casey', reporter: 'sam', comments: [['sam', 'Please include the partner co-marketing slots.'], ['casey', 'Added a section on partners; ready for review Friday.']] },
    { summary: 'Refresh product screenshots on the website', description: 'The pricing and features pages still show the old navigation.', status: 'TO_DO', assignee: 'lee', reporter: 'sam' },
    { summary: 'Newsletter: November customer stories', description: 'Three short stories from design partners.', status: 'DONE', assignee: 'sam', reporter: 'sam', comments: [['lee', 'Sent to 12,400 subscribers, 41% open rate.']] },
    { summary: 'Brand guidelines v3 review', description: 'Collect feedback from the agency on colour and typography.', status: 'TO_DO', assignee: 'casey', reporter: 'casey' },
  ],
  ENG: [
    { summary: 'Upgrade PostgreSQL to 18', description: 'Plan the maintenance window and test the migration on staging.', status: 'IN_PROGRESS', assignee: 'priya', reporter: 'priya', comments: [['lee', 'Staging upgrade done, no regressions in the nightly run.']] },
    { summary: 'Flaky test: invitation expiry', description: 'Fails about once a week around midnight UTC.', status: 'TO_DO', assignee: 'lee', reporter: 'priya' },
    { summary: 'Rotate API signing keys', description: 'Yearly rotation; update the runbook afterwards.', status: 'DONE', assignee: 'priya', reporter: 'lee' },
  ],
  OPS: [
    { summary: 'On-call schedule for December', description: 'Cover the holiday weeks with two people per shift.', status: 'TO_DO', assignee: 'omar', reporter: 'omar' },
    { summary: 'Renew TLS certificates for status page', description: 'Expires on 15 January.', status: 'IN_PROGRESS', assignee: 'omar', reporter: 'admin' },
  ],
};

/** Seeds the demo organization. Idempotent: does nothing when the demo site already exists. */
export async function seedDemo(db: Db, options: { log?: (line: string) => void } = {}): Promise<boolean> {
  const log = options.log ?? (() => {});
  if (await db.site.findUnique({ where: { slug: 'acme' } })) return false;

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(
    async (tx) => {
      const org = await tx.organization.create({
        data: { name: 'Acme', plan: 'STANDARD', verifiedDomains: { create: [{ domain: 'acme.com' }] }, externalPolicy: { create: {} } },
      });
      const site = await tx.site.create({ data: { organizationId: org.id, slug: 'acme', name: 'Acme' } });
      const jira = await tx.app.create({ data: { siteId: site.id, kind: 'JIRA', name: 'Jira' } });
      const confluence = await tx.app.create({ data: { siteId: site.id, kind: 'CONFLUENCE', name: 'Confluence' } });

      const ids = {} as Record<PersonKey, string>;
      for (const person of DEMO_PEOPLE) {
        const email = normalizeEmail(person.email)!;
        const user = await tx.user.create({
          data: { email, emailDomain: emailDomain(email), name: person.name, passwordHash, emailVerifiedAt: new Date() },
        });
        ids[person.key] = user.id;
      }

      const onSite = async (key: PersonKey, role: 'GUEST' | 'USER' | 'ADMIN', isSiteAdmin = false) => {
        await tx.siteUser.create({
          data: {
            siteId: site.id,
            userId: ids[key],
            isSiteAdmin,
            invitedById: key === 'admin' ? null : ids.admin,
            everLicensedAt: role === 'GUEST' ? null : new Date(),
          },
        });
        await tx.appRole.create({ data: { appId: jira.id, userId: ids[key], role } });
        if (role !== 'GUEST') await tx.appRole.create({ data: { appId: confluence.id, userId: ids[key], role: 'USER' } });
      };
      await onSite('admin', 'ADMIN', true);
      await onSite('sam', 'USER');
      await onSite('priya', 'USER');
      await onSite('lee', 'USER');
      await onSite('omar', 'USER');
      await onSite('casey', 'GUEST');
      await onSite('jordan', 'GUEST');

      const spaces = {
        MKT: await tx.space.create({ data: { siteId: site.id, key: 'MKT', name: 'Marketing', leadId: ids.sam } }),
        ENG: await tx.space.create({ data: { siteId: site.id, key: 'ENG', name: 'Platform', leadId: ids.priya } }),
        OPS: await tx.space.create({ data: { siteId: site.id, key: 'OPS', name: 'Operations', leadId: ids.omar } }),
      };
      const members: [keyof typeof spaces, PersonKey, 'ADMINISTRATOR' | 'MEMBER' | 'VIEWER' | 'GUEST'][] = [
        ['MKT', 'sam', 'ADMINISTRATOR'],
        ['MKT', 'lee', 'MEMBER'],
        ['MKT', 'casey', 'GUEST'],
        ['ENG', 'priya', 'ADMINISTRATOR'],
        ['ENG', 'lee', 'MEMBER'],
        ['ENG', 'sam', 'VIEWER'],
        ['OPS', 'omar', 'ADMINISTRATOR'],
        ['OPS', 'priya', 'MEMBER'],
      ];
      for (const [space, person, role] of members) {
        await tx.spaceMembership.create({ data: { spaceId: spaces[space].id, userId: ids[person], role, addedById: ids.admin } });
        if (role === 'GUEST') {
          await tx.guestSpaceAssignment.create({ data: { siteId: site.id, userId: ids[person], spaceId: spaces[space].id } });
        }
      }

      for (const [key, items] of Object.entries(WORK)) {
        const space = spaces[key as keyof typeof spaces];
        let number = 1;
        for (const item of items) {
          await tx.workItem.create({
            data: {
              spaceId: space.id,
              number: number++,
              summary: item.summary,
              description: item.description,
              status: item.status,
              assigneeId: item.assignee ? ids[item.assignee] : null,
              reporterId: ids[item.reporter],
              comments: { create: (item.comments ?? []).map(([author, body]) => ({ authorId: ids[author], body })) },
            },
          });
        }
        await tx.space.update({ where: { id: space.id }, data: { nextItemNumber: number } });
      }

      // A pending guest invitation, queued for delivery like any other.
      const rawToken = crypto.randomBytes(32).toString('base64url');
      const invitee = normalizeEmail('taylor.morgan@clientco.com')!;
      const invitation = await tx.invitation.create({
        data: {
          siteId: site.id,
          appId: jira.id,
          email: invitee,
          openEmail: invitee,
          role: 'GUEST',
          tokenHash: crypto.createHash('sha256').update(rawToken).digest('hex'),
          personalMessage: 'Welcome aboard! We will work together on the spring launch.',
          invitedById: ids.admin,
          expiresAt: new Date(Date.now() + org.invitationExpiryDays * 24 * 3600 * 1000),
        },
      });
      await tx.outboxEmail.create({
        data: { template: 'invitation', to: invitee, invitationId: invitation.id, payload: { token: rawToken } },
      });

      // A pending access request from someone with an account but no access to the site.
      await tx.accessRequest.create({
        data: {
          siteId: site.id,
          email: normalizeEmail(DEMO_PEOPLE[7].email)!,
          blockingEmail: normalizeEmail(DEMO_PEOPLE[7].email)!,
          userId: ids.morgan,
          note: 'I am the freelance designer working with the Marketing team on the launch.',
        },
      });

      await tx.auditEvent.create({ data: { siteId: site.id, action: 'site.seeded', after: { spaces: 3, people: DEMO_PEOPLE.length } } });
    },
    { timeout: 60_000 },
  );
  log('Seeded the demo organization "Acme".');
  return true;
}
