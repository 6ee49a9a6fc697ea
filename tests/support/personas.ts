// The people of the authorization matrix (tests/integration/authorization-matrix.test.ts), built
// once from the demo seed, and the databases the matrix runs on.
//
// A "world" is the seed plus the setup below, built once; every database a cell runs on holds
// exactly that world (see Worlds at the end).
import type { Db } from '../../lib/db/client';
import { DEMO_PASSWORD, seedDemo } from '../../prisma/seed';
import { acceptInvitationWithNewAccount } from '../../lib/invitations/accept';
import { grantAccess } from '../../lib/invitations/grant';
import { addPeople } from '../../lib/spaces/people';
import { removeAccess, suspendAccess } from '../../lib/users/manage';
import { shareWorkItem } from '../../lib/work-items/commands';
import { createApiToken, generateApiToken, hashApiToken } from '../../lib/api-tokens';
import { createOrgApiKey, generateOrgApiKey, hashOrgApiKey } from '../../lib/org-api/keys';
import { createTestDatabase, type TestDatabase } from './database';
import { auditOf, viewerFor } from './viewers';

export const EMAIL = {
  alana: 'alana.admin@acme.com',
  sam: 'sam.rivera@acme.com',
  priya: 'priya.shah@acme.com',
  lee: 'lee.chen@acme.com',
  omar: 'omar.haddad@acme.com',
  casey: 'casey.jones@brightagency.io',
  jordan: 'jordan.blake@northwind-consulting.com',
  morgan: 'morgan.lee@freelance.dev',
  dana: 'dana.kim@pixelworks.studio',
  taylor: 'taylor.morgan@clientco.com',
  /** Created here: an external guest, invited, accepted, added to ENG (space B) as Guest. */
  blair: 'blair.quinn@orbit-partners.io',
  /** Created here: a licensed user who was a Member of MKT, then had their access removed. */
  riley: 'riley.park@acme.com',
  /** Invited here, no account yet: the invitation the create-account row uses. */
  nova: 'nova.hire@clientco.com',
} as const;

export const PASSWORD = DEMO_PASSWORD;

export type World = 'base' | 'shared';

/** The matrix's columns, in order. */
export const PERSONA_KEYS = [
  'anonymous',
  'siteAdmin',
  'spaceAdminA',
  'memberA',
  'viewerA',
  'guestA',
  'guestNoSpace',
  'guestB',
  'suspended',
  'removed',
  'sharedWith',
  'outsider',
] as const;
export type PersonaKey = (typeof PERSONA_KEYS)[number];

export type Persona = { key: PersonaKey; label: string; email: string | null; world: World };

/** Space A is MKT (Marketing), space B is ENG (Platform). */
export const PERSONAS: Record<PersonaKey, Persona> = {
  anonymous: { key: 'anonymous', label: 'anonymous (no session)', email: null, world: 'base' },
  siteAdmin: { key: 'siteAdmin', label: 'site admin (Alana)', email: EMAIL.alana, world: 'base' },
  spaceAdminA: { key: 'spaceAdminA', label: 'space admin of A (Sam: MKT Administrator, ENG Viewer)', email: EMAIL.sam, world: 'base' },
  memberA: { key: 'memberA', label: 'member of A (Lee: MKT and ENG Member)', email: EMAIL.lee, world: 'base' },
  viewerA: { key: 'viewerA', label: 'viewer of A (Priya: MKT Viewer, ENG Administrator)', email: EMAIL.priya, world: 'base' },
  guestA: { key: 'guestA', label: 'guest of A (Casey)', email: EMAIL.casey, world: 'base' },
  guestNoSpace: { key: 'guestNoSpace', label: 'guest with no space (Jordan)', email: EMAIL.jordan, world: 'base' },
  guestB: { key: 'guestB', label: 'guest of B (Blair, ENG Guest)', email: EMAIL.blair, world: 'base' },
  suspended: { key: 'suspended', label: 'suspended user (Omar, live session)', email: EMAIL.omar, world: 'base' },
  removed: { key: 'removed', label: 'removed user (Riley)', email: EMAIL.riley, world: 'base' },
  sharedWith: { key: 'sharedWith', label: 'guest of A with ENG-2 shared to her (Casey)', email: EMAIL.casey, world: 'shared' },
  outsider: { key: 'outsider', label: 'signed in, not on the site (Dana)', email: EMAIL.dana, world: 'base' },
};

/** What the setup made that rows refer to (the same in every clone of a world). */
export type WorldFacts = {
  /** Raw invitation tokens: Dana's (she has an account) and Nova's (no account yet). */
  tokens: { dana: string; nova: string };
  /** Sessions opened before the suspension and the removal (both must be dead now). */
  staleSessions: { suspended: string; removed: string };
  /**
   * Each account's REST API token (HTTP Basic email:token), by email. Made by the owner before the
   * suspension and the removal (the removal revokes Riley's; Omar's stays, his suspension must stop
   * it); Dana's, who was never on the site and can't make one, is written directly.
   */
  apiTokens: Record<string, { id: string; token: string }>;
  /**
   * Each account's organization API key (Authorization: Bearer, the admin API), by email. Alana's
   * is made in Settings → API keys (createOrgApiKey); everyone else's, which only a site admin could
   * make, is written directly with them as its creator: a key acts as its creator, and only while
   * they are an active site admin (lib/org-api/auth.ts), so these must all be refused.
   */
  orgApiKeys: Record<string, { id: string; key: string }>;
};

async function invitationToken(db: Db, email: string): Promise<string> {
  const email_ = await db.outboxEmail.findFirstOrThrow({ where: { to: email, template: 'invitation', state: 'PENDING' }, orderBy: { createdAt: 'desc' } });
  const token = (email_.payload as { token?: unknown }).token;
  if (typeof token !== 'string') throw new Error(`no raw invitation token for ${email}`);
  return token;
}

async function invite(db: Db, email: string, role: 'GUEST' | 'USER') {
  const alana = await viewerFor(db, EMAIL.alana);
  const [row] = await grantAccess(db, alana, { emails: [email], role, personalMessage: null, resend: [] }, auditOf(alana));
  if (row.result !== 'INVITED') throw new Error(`could not invite ${email}: ${row.detail}`);
  return invitationToken(db, email);
}

async function addToSpace(db: Db, adminEmail: string, spaceKey: string, email: string, role: 'ADMINISTRATOR' | 'MEMBER' | 'VIEWER' | 'GUEST') {
  const admin = await viewerFor(db, adminEmail);
  const [row] = await addPeople(db, admin, spaceKey, { emails: [email], role }, auditOf(admin));
  if (row.outcome !== 'ADDED') throw new Error(`could not add ${email} to ${spaceKey}: ${row.message}`);
}

/**
 * The base world: the demo seed, and what it lacks for the matrix, made through the domain
 * functions the app uses.
 */
export async function buildBaseWorld(db: Db): Promise<WorldFacts> {
  await seedDemo(db);
  const alana = await viewerFor(db, EMAIL.alana);
  // Viewer of A: Priya (Administrator of ENG) becomes a Viewer of MKT.
  await addToSpace(db, EMAIL.sam, 'MKT', EMAIL.priya, 'VIEWER');
  // Guest of B: invited as a guest, accepts by creating an account, then added to ENG as Guest.
  await acceptInvitationWithNewAccount(db, await invite(db, EMAIL.blair, 'GUEST'), { name: 'Blair Quinn', password: PASSWORD });
  await addToSpace(db, EMAIL.priya, 'ENG', EMAIL.blair, 'GUEST');
  // Removed user: invited as a User, accepts, becomes a Member of MKT, then loses access.
  await acceptInvitationWithNewAccount(db, await invite(db, EMAIL.riley, 'USER'), { name: 'Riley Park', password: PASSWORD });
  await addToSpace(db, EMAIL.sam, 'MKT', EMAIL.riley, 'MEMBER');
  // Everyone's own API token, while they all still have access.
  const apiTokens: WorldFacts['apiTokens'] = {};
  for (const email of [EMAIL.alana, EMAIL.sam, EMAIL.lee, EMAIL.priya, EMAIL.casey, EMAIL.jordan, EMAIL.blair, EMAIL.omar, EMAIL.riley]) {
    const owner = await viewerFor(db, email);
    const { id, token } = await createApiToken(db, owner, { name: 'Matrix' }, auditOf(owner));
    apiTokens[email] = { id, token };
  }
  const danaToken = generateApiToken();
  const dana = await db.user.findUniqueOrThrow({ where: { email: EMAIL.dana } });
  const danaRow = await db.apiToken.create({ data: { userId: dana.id, name: 'Matrix', tokenHash: hashApiToken(danaToken), expiresAt: new Date(Date.now() + 30 * 86_400_000) } });
  apiTokens[EMAIL.dana] = { id: danaRow.id, token: danaToken };
  // Everyone's organization API key (see WorldFacts.orgApiKeys).
  const created = await createOrgApiKey(db, alana, { name: 'Matrix', expiresInDays: 30 }, auditOf(alana));
  const orgApiKeys: WorldFacts['orgApiKeys'] = { [EMAIL.alana]: { id: created.id, key: created.key } };
  for (const email of [EMAIL.sam, EMAIL.lee, EMAIL.priya, EMAIL.casey, EMAIL.jordan, EMAIL.blair, EMAIL.omar, EMAIL.riley, EMAIL.dana]) {
    const key = generateOrgApiKey();
    const owner = await db.user.findUniqueOrThrow({ where: { email } });
    const row = await db.orgApiKey.create({
      data: { organizationId: created.organizationId, name: 'Matrix', tokenHash: hashOrgApiKey(key), createdById: owner.id, expiresAt: created.expiresAt },
    });
    orgApiKeys[email] = { id: row.id, key };
  }
  const rileyBefore = await viewerFor(db, EMAIL.riley);
  await removeAccess(db, alana, rileyBefore.userId, auditOf(alana));
  // Suspended user: Omar.
  const omarBefore = await viewerFor(db, EMAIL.omar);
  await suspendAccess(db, alana, omarBefore.userId, auditOf(alana));
  // A share to take away (the unshare row): MKT-2 shared with Blair by Sam.
  const sam = await viewerFor(db, EMAIL.sam);
  const blair = await db.user.findUniqueOrThrow({ where: { email: EMAIL.blair } });
  await shareWorkItem(db, sam, { spaceKey: 'MKT', number: 2, userId: blair.id }, auditOf(sam));
  // Two open invitations: Dana's (has an account, accepts while signed in) and Nova's (no account).
  const danaInvitation = await invite(db, EMAIL.dana, 'GUEST');
  const nova = await invite(db, EMAIL.nova, 'GUEST');
  return {
    tokens: { dana: danaInvitation, nova },
    staleSessions: { suspended: omarBefore.sessionId, removed: rileyBefore.sessionId },
    apiTokens,
    orgApiKeys,
  };
}

/** The shared world: the base world, and Lee shares ENG-2 with Casey (guest of MKT). */
export async function shareEng2WithCasey(db: Db) {
  const lee = await viewerFor(db, EMAIL.lee);
  const casey = await db.user.findUniqueOrThrow({ where: { email: EMAIL.casey } });
  await shareWorkItem(db, lee, { spaceKey: 'ENG', number: 2, userId: casey.id }, auditOf(lee));
}

/** The Auth.js session cookie's content for a session: who (sub) and the server-side session (sid). */
export type SessionToken = { sub: string; sid: string };

/**
 * Signs a persona in: a real session row, as the credentials sign-in creates one. For the
 * suspended persona this is a session that outlived the suspension (sign-in refuses a suspended
 * account and suspension revokes open sessions), so the policy itself is what must refuse.
 */
export async function openSession(db: Db, persona: Persona): Promise<SessionToken | null> {
  if (!persona.email) return null;
  const user = await db.user.findUniqueOrThrow({ where: { email: persona.email }, select: { id: true } });
  const session = await db.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  return { sub: user.id, sid: session.id };
}

// ---------------------------------------------------------------------------------------------
// Databases. CREATE DATABASE costs a second under load, so cells don't each get a clone: a world
// is built once and dumped (every row of every table, and the sequences); a database is put into
// a world by truncating everything and loading the dump back (tens of milliseconds). Cells whose
// calls must change nothing share one long-lived database per world; a cell whose allowed call
// changes things borrows a scratch database, loaded with its world just before the call.

type TableDump = { table: string; rows: string };
export type WorldDump = { tables: TableDump[]; sequences: { name: string; value: string | null }[] };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The application's tables, parents before children (foreign keys), migrations' own table left out. */
async function tablesInLoadOrder(db: Db): Promise<string[]> {
  const tables = (await db.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname`).map((t) => t.name);
  const edges = await db.$queryRaw<{ child: string; parent: string }[]>`
    SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint k
    JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = k.connamespace WHERE k.contype = 'f' AND n.nspname = 'public'`;
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const edge of edges) if (edge.child === table && edge.parent !== table) visit(edge.parent, path);
    path.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

export async function dumpWorld(db: Db): Promise<WorldDump> {
  const tables: TableDump[] = [];
  for (const table of await tablesInLoadOrder(db)) {
    const [{ rows }] = await db.$queryRawUnsafe<{ rows: string }[]>(`SELECT coalesce(json_agg(t), '[]')::text AS rows FROM ${quote(table)} t`);
    tables.push({ table, rows });
  }
  const sequences = await db.$queryRaw<{ name: string; value: string | null }[]>`
    SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, last_value::text AS value FROM pg_sequences WHERE schemaname = 'public'`;
  return { tables, sequences };
}

/** Puts `db` into the dumped world: everything else it held is gone. */
export async function loadWorld(db: Db, dump: WorldDump) {
  await db.$transaction(
    async (tx) => {
      // Rows go back as they were: no foreign-key triggers while loading (CHECK constraints still hold).
      await tx.$executeRawUnsafe('SET LOCAL session_replication_role = replica');
      await tx.$executeRawUnsafe(`TRUNCATE ${dump.tables.map((t) => quote(t.table)).join(', ')} RESTART IDENTITY CASCADE`);
      for (const { table, rows } of dump.tables) {
        if (rows === '[]') continue;
        await tx.$executeRawUnsafe(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, rows);
      }
      for (const { name, value } of dump.sequences) {
        if (value === null) await tx.$executeRawUnsafe(`SELECT setval('${name}', 1, false)`);
        else await tx.$executeRawUnsafe(`SELECT setval('${name}', ${BigInt(value)}, true)`);
      }
    },
    { timeout: 30_000 },
  );
}

export class Worlds {
  private readonly idle: TestDatabase[] = [];
  private readonly waiting: ((db: TestDatabase) => void)[] = [];
  private readonly all: TestDatabase[] = [];
  private scratchCount = 0;

  private constructor(
    readonly facts: WorldFacts,
    private readonly dumps: Record<World, WorldDump>,
    private readonly long: Record<World, TestDatabase>,
    private readonly maxScratch: number,
  ) {
    this.all.push(long.base, long.shared);
  }

  /** Builds both worlds (a few seconds) and one long-lived database of each. */
  static async build(options: { scratchDatabases: number }): Promise<Worlds> {
    const [base, shared] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const facts = await buildBaseWorld(base.db);
    const baseDump = await dumpWorld(base.db);
    await loadWorld(shared.db, baseDump);
    await shareEng2WithCasey(shared.db);
    const sharedDump = await dumpWorld(shared.db);
    return new Worlds(facts, { base: baseDump, shared: sharedDump }, { base, shared }, options.scratchDatabases);
  }

  /** The long-lived database of a world, for calls that must change nothing. */
  readOnly(world: World): Db {
    return this.long[world].db;
  }

  /** Runs `run` on a scratch database holding `world` exactly as built; at most maxScratch at a time. */
  async withFresh<T>(world: World, run: (db: Db) => Promise<T>): Promise<T> {
    const scratch = await this.acquire();
    try {
      await loadWorld(scratch.db, this.dumps[world]);
      return await run(scratch.db);
    } finally {
      const next = this.waiting.shift();
      if (next) next(scratch);
      else this.idle.push(scratch);
    }
  }

  private async acquire(): Promise<TestDatabase> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.scratchCount < this.maxScratch) {
      this.scratchCount++;
      const created = await createTestDatabase();
      this.all.push(created);
      return created;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async drop() {
    await Promise.all(this.all.map((t) => t.drop()));
  }
}
