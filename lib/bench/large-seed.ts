// A realistic large site on top of the demo seed, written with set-based SQL (INSERT … SELECT
// generate_series) so 100,000 users and 1,000,000 audit events take minutes, not hours.
// Every value derives from md5(seed, salt, row number): the same seed gives the same site.
import pg from 'pg';

export type LargeSeedOptions = {
  /** 1 = 100,000 users, 2,000 spaces, 200,000 work items, 20,000 invitations, 1,000,000 audit events. */
  scale?: number;
  /** PRNG seed; a different one gives a different (equally valid) site. */
  seed?: string;
  log?: (line: string) => void;
};

export type LargeSeedCounts = {
  users: number;
  guests: number;
  spaces: number;
  bigSpaceMembers: number;
  workItems: number;
  invitations: number;
  accessRequests: number;
  auditEvents: number;
};

/** The space with thousands of people (Space settings → People), administered by Sam Rivera. */
export const BIG_SPACE_KEY = 'BIG';
/** Marks rows written by this seed (ids and emails), so a second run can tell it already ran. */
const PREFIX = 'lg';

export function largeSeedCounts(scale: number): LargeSeedCounts {
  const n = (full: number, min: number) => Math.max(min, Math.round(full * scale));
  return {
    users: n(100_000, 1_000),
    guests: n(5_000, 60),
    spaces: n(2_000, 20),
    // The People screen is measured with 5,000 people whatever the scale (capped by the users there are).
    bigSpaceMembers: Math.min(5_000, Math.floor(n(100_000, 1_000) / 2)),
    workItems: n(200_000, 1_000),
    invitations: n(20_000, 200),
    accessRequests: n(2_000, 250),
    auditEvents: n(1_000_000, 10_000),
  };
}

const FIRST = ['Ada', 'Alex', 'Amara', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Diego', 'Elena', 'Emma', 'Farah', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jade', 'James', 'Julia', 'Kai', 'Kenji', 'Laura', 'Liam', 'Lucia', 'Maya', 'Mateo', 'Mei', 'Nadia', 'Noah', 'Olivia', 'Oscar', 'Paula', 'Quinn', 'Rafael', 'Rosa', 'Ruth', 'Sara', 'Sofia', 'Tariq', 'Theo', 'Uma', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe', 'Zainab'];
const LAST = ['Abbott', 'Alvarez', 'Baker', 'Bauer', 'Chen', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Gupta', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Kumar', 'Larsen', 'Lopez', 'Martin', 'Meyer', 'Moreau', 'Nakamura', 'Novak', 'Okafor', 'Olsen', 'Patel', 'Perez', 'Quinn', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Tanaka', 'Torres', 'Usman', 'Varga', 'Wagner', 'Wang', 'Weber', 'Xu', 'Yilmaz', 'Young', 'Zhang', 'Zimmermann'];
const EXTERNAL_DOMAINS = ['brightagency.io', 'northwind-consulting.com', 'freelance.dev', 'pixelworks.studio', 'contoso.com', 'fabrikam.net', 'globex.org', 'initech.co', 'umbrella-partners.com', 'vendorhub.io'];
const INTERNAL_DOMAINS = ['acme.com', 'acme.com', 'acme.com', 'eu.acme.com'];
const WORDS = ['Update', 'Fix', 'Review', 'Draft', 'Plan', 'Migrate', 'Document', 'Test', 'Design', 'Ship', 'launch page', 'billing export', 'onboarding flow', 'search index', 'release notes', 'partner portal', 'mobile layout', 'API limits', 'status report', 'Q3 roadmap'];
/** Audit actions with a weight each: the log is mostly invitations, roles and space changes. */
const AUDIT_MIX: [string, number][] = [
  ['invitation.created', 20], ['invitation.accepted', 12], ['invitation.revoked', 3], ['invitation.resent', 3],
  ['access_request.created', 4], ['access_request.approved', 3], ['access_request.denied', 1],
  ['user.role.changed', 10], ['user.suspended', 2], ['user.restored', 1], ['user.access.removed', 1],
  ['space.member.added', 18], ['space.member.role_changed', 5], ['space.member.removed', 4],
  ['guest.access.granted', 3], ['guest.access.revoked', 1], ['guest.expiry.changed', 1], ['guest.access.expired', 1],
  ['workitem.shared', 3], ['workitem.unshared', 1], ['security.2sv.verified', 2], ['api_token.created', 1],
];

const sqlText = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`;

type Step = { label: string; sql: string };

// Row triggers that keep derived figures (the seat counter, SiteUser's copies of each person's Jira
// role, name and address): off during the bulk load, their results written set-based instead.
const DERIVING_TRIGGERS = [
  { table: '"SiteUser"', trigger: '"SiteUser_account_copy"' },
  { table: '"AppRole"', trigger: '"AppRole_seat_counter"' },
  { table: '"SiteUser"', trigger: '"SiteUser_seat_counter"' },
  { table: '"AppRole"', trigger: '"AppRole_jira_role_copy"' },
  { table: '"SiteUser"', trigger: '"SiteUser_jira_role"' },
];

// The trigram GIN indexes keep fastupdate off, so that a burst of writes is searchable through
// them at once (migration users_list_indexes). Loading hundreds of thousands of rows that way adds
// each row's trigrams one at a time; for the load they collect in the pending list instead, merged
// into the index in bulk, and the setting is restored with the list empty.
const TRIGRAM_INDEXES = ['User_name_trgm_idx', 'User_email_trgm_idx', 'SiteUser_search_trgm_idx', 'Invitation_email_trgm_idx', 'Invitation_listName_trgm_idx'];

/** The site's seat figures counted from scratch (the same definition as the triggers keep). */
const RECOUNT_SEATS_SQL = `INSERT INTO "SiteSeatCounter" ("siteId", "licensedSeats", "guests")
  SELECT $1,
    (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
       JOIN "SiteUser" su ON su."userId" = r."userId" AND su."siteId" = a."siteId"
      WHERE a."siteId" = $1 AND a."kind" = 'JIRA' AND r."role" IN ('USER', 'ADMIN') AND su."suspendedAt" IS NULL),
    (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId" WHERE a."siteId" = $1 AND a."kind" = 'JIRA' AND r."role" = 'GUEST')
  ON CONFLICT ("siteId") DO UPDATE SET "licensedSeats" = EXCLUDED."licensedSeats", "guests" = EXCLUDED."guests"`;

export async function seedLarge(databaseUrl: string, options: LargeSeedOptions = {}): Promise<LargeSeedCounts> {
  const scale = options.scale ?? 1;
  const seed = (options.seed ?? 'portico-large-1').replace(/'/g, '');
  const log = options.log ?? (() => {});
  const c = largeSeedCounts(scale);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const site = await client.query<{ siteId: string; organizationId: string; jiraId: string; confluenceId: string }>(
      `SELECT s."id" AS "siteId", s."organizationId", j."id" AS "jiraId", cf."id" AS "confluenceId"
         FROM "Site" s JOIN "App" j ON j."siteId" = s."id" AND j."kind" = 'JIRA' JOIN "App" cf ON cf."siteId" = s."id" AND cf."kind" = 'CONFLUENCE'
        WHERE s."slug" = 'acme'`,
    );
    if (!site.rows[0]) throw new Error('The demo site "acme" is missing: run the demo seed first (npm start, or migrateAndSeed).');
    const { siteId, jiraId, confluenceId } = site.rows[0];
    const already = await client.query(`SELECT 1 FROM "User" WHERE "id" = '${PREFIX}u1'`);
    if (already.rowCount) throw new Error('This database already holds the large seed. Use a fresh database (or --ephemeral).');
    const people = await client.query<{ email: string; id: string }>(`SELECT "email", "id" FROM "User" WHERE "email" IN ('alana.admin@acme.com', 'sam.rivera@acme.com')`);
    const adminId = people.rows.find((r) => r.email === 'alana.admin@acme.com')?.id;
    const samId = people.rows.find((r) => r.email === 'sam.rivera@acme.com')?.id;
    if (!adminId || !samId) throw new Error('The demo people are missing.');

    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(`SET work_mem = '64MB'`);
    // r(i, salt): a repeatable uniform number in [0, 1) for row i; ri(i, salt, n): an integer in [0, n).
    await client.query(`CREATE FUNCTION pg_temp.r(i bigint, salt text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT ('x' || substr(md5('${seed}:' || salt || ':' || i), 1, 12))::bit(48)::bigint / 281474976710656.0 $$`);
    await client.query(`CREATE FUNCTION pg_temp.ri(i bigint, salt text, n bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT floor(pg_temp.r(i, salt) * n)::bigint $$`);

    const N = c.users;
    const G = c.guests;
    const S = c.spaces;
    // Users 1..G are guests (external); of the rest, ~10,000 per 95,000 are external too (15% in all).
    const extShare = Math.min(1, (0.15 * N - G) / (N - G));
    // Guests with a space: two thirds; every 7th of them is in the big space.
    const guestSpace = (i: string) => `CASE WHEN ${i} % 3 = 0 THEN NULL WHEN ${i} % 7 = 1 THEN 1 ELSE 2 + pg_temp.ri(${i}, 'gspace', ${S - 1}) END`;
    const guestsInBig = Array.from({ length: G }, (_, k) => k + 1).filter((i) => i % 3 !== 0 && i % 7 === 1).length;
    const licensedInBig = Math.max(0, c.bigSpaceMembers - guestsInBig);
    // Site membership of licensed users: 97% on the site (the rest have accounts only), 2% of those
    // without a Jira role, ~60 Jira admins (20 of them site admins), 1% suspended.
    const ts = (expr: string) => `(now() AT TIME ZONE 'UTC')::timestamp(3) - (${expr}) * interval '1 day'`;

    const steps: Step[] = [
      {
        label: `${N.toLocaleString('en-US')} users`,
        sql: `INSERT INTO "User" ("id", "email", "emailDomain", "name", "emailVerifiedAt", "active", "lastActiveAt", "createdAt")
          SELECT '${PREFIX}u' || i, lower(f || '.' || l || '.' || i || '@' || d), d, f || ' ' || l,
                 ${ts(`pg_temp.r(i, 'created') * 1000`)}, true,
                 CASE WHEN pg_temp.r(i, 'never') < 0.2 THEN NULL ELSE ${ts(`pg_temp.r(i, 'active') * 180`)} END,
                 ${ts(`pg_temp.r(i, 'created') * 1000 + 1`)}
            FROM (SELECT i,
                         (${sqlText(FIRST)})[1 + pg_temp.ri(i, 'first', ${FIRST.length})] AS f,
                         (${sqlText(LAST)})[1 + pg_temp.ri(i, 'last', ${LAST.length})] AS l,
                         CASE WHEN i <= ${G} OR pg_temp.r(i, 'ext') < ${extShare}
                              THEN (${sqlText(EXTERNAL_DOMAINS)})[1 + pg_temp.ri(i, 'xdom', ${EXTERNAL_DOMAINS.length})]
                              ELSE (${sqlText(INTERNAL_DOMAINS)})[1 + pg_temp.ri(i, 'idom', ${INTERNAL_DOMAINS.length})] END AS d
                    FROM generate_series(1, ${N}) AS i) AS p`,
      },
      {
        label: 'site memberships',
        // Each row carries its account's name and address, as the copy trigger would have written.
        sql: `INSERT INTO "SiteUser" ("id", "siteId", "userId", "userName", "userEmail", "isSiteAdmin", "suspendedAt", "everLicensedAt", "invitedById", "addedAt", "accessExpiresAt")
          SELECT '${PREFIX}su' || i, '${siteId}', u."id", u."name", u."email", i > ${G} AND i <= ${G + 20},
                 CASE WHEN pg_temp.r(i, 'susp') < 0.01 THEN ${ts(`pg_temp.r(i, 'susp2') * 60`)} END,
                 CASE WHEN i > ${G} THEN ${ts(`pg_temp.r(i, 'created') * 1000`)} END,
                 '${adminId}', ${ts(`pg_temp.r(i, 'created') * 1000`)},
                 CASE WHEN i <= ${G} AND pg_temp.r(i, 'gexp') < 0.25 THEN ${ts(`-1 - pg_temp.r(i, 'gexp2') * 120`)} END
            FROM generate_series(1, ${N}) AS i JOIN "User" u ON u."id" = '${PREFIX}u' || i
           WHERE i <= ${G} OR pg_temp.r(i, 'onsite') < 0.97`,
      },
      {
        label: 'Jira and Confluence roles',
        sql: `INSERT INTO "AppRole" ("id", "appId", "userId", "role", "createdAt", "updatedAt")
          SELECT '${PREFIX}rj' || i, '${jiraId}', '${PREFIX}u' || i,
                 (CASE WHEN i <= ${G} THEN 'GUEST' WHEN i <= ${G + 60} THEN 'ADMIN' ELSE 'USER' END)::"AppRoleKind",
                 ${ts(`pg_temp.r(i, 'created') * 1000`)}, ${ts(`pg_temp.r(i, 'created') * 500`)}
            FROM generate_series(1, ${N}) AS i
           WHERE i <= ${G} OR (pg_temp.r(i, 'onsite') < 0.97 AND pg_temp.r(i, 'norole') >= 0.02)
          UNION ALL
          SELECT '${PREFIX}rc' || i, '${confluenceId}', '${PREFIX}u' || i, 'USER', ${ts(`pg_temp.r(i, 'created') * 1000`)}, ${ts(`pg_temp.r(i, 'created') * 500`)}
            FROM generate_series(${G + 1}, ${N}) AS i
           WHERE pg_temp.r(i, 'onsite') < 0.97 AND pg_temp.r(i, 'norole') >= 0.02 AND pg_temp.r(i, 'conf') < 0.6`,
      },
      {
        label: `${S.toLocaleString('en-US')} spaces`,
        sql: `INSERT INTO "Space" ("id", "siteId", "key", "name", "leadId", "nextItemNumber", "createdAt")
          SELECT '${PREFIX}s' || k, '${siteId}', CASE WHEN k = 1 THEN '${BIG_SPACE_KEY}' ELSE 'L' || k END,
                 CASE WHEN k = 1 THEN 'Big Programme' ELSE (${sqlText(WORDS.slice(10))})[1 + pg_temp.ri(k, 'sname', 10)] || ' ' || k END,
                 CASE WHEN k = 1 THEN '${samId}' ELSE '${PREFIX}u' || (${G + 1} + pg_temp.ri(k, 'lead', ${N - G})) END,
                 1, ${ts(`pg_temp.r(k, 'screated') * 900`)}
            FROM generate_series(1, ${S}) AS k`,
      },
      {
        label: 'space memberships',
        // Licensed users on the site: two regular spaces each (distinct by construction), the first
        // ${licensedInBig} of them also the big space. Guests: their one space (GUEST role).
        sql: `INSERT INTO "SpaceMembership" ("id", "spaceId", "userId", "role", "addedById", "createdAt")
          SELECT '${PREFIX}m' || n || '.' || i, '${PREFIX}s' || sp, '${PREFIX}u' || i,
                 (CASE WHEN pg_temp.r(i * 3 + n, 'mrole') < 0.04 THEN 'ADMINISTRATOR' WHEN pg_temp.r(i * 3 + n, 'mrole') < 0.85 THEN 'MEMBER' ELSE 'VIEWER' END)::"SpaceRole",
                 '${adminId}', ${ts(`pg_temp.r(i * 3 + n, 'mcreated') * 700`)}
            FROM (SELECT i, 1 AS n, 2 + (i % ${S - 1}) AS sp FROM generate_series(${G + 1}, ${N}) AS i
                  UNION ALL
                  SELECT i, 2, 2 + ((i % ${S - 1}) + 1 + (i / ${S - 1}) % ${Math.max(1, S - 2)}) % ${S - 1} FROM generate_series(${G + 1}, ${N}) AS i
                  UNION ALL
                  SELECT i, 3, 1 FROM generate_series(${G + 1}, ${G + licensedInBig}) AS i) AS x
           WHERE EXISTS (SELECT 1 FROM "SiteUser" su WHERE su."siteId" = '${siteId}' AND su."userId" = '${PREFIX}u' || x.i)
          UNION ALL
          SELECT '${PREFIX}mg' || i, '${PREFIX}s' || sp, '${PREFIX}u' || i, 'GUEST', '${adminId}', ${ts(`pg_temp.r(i, 'gcreated') * 300`)}
            FROM (SELECT i, ${guestSpace('i')} AS sp FROM generate_series(1, ${G}) AS i) AS g WHERE sp IS NOT NULL`,
      },
      {
        label: 'Sam Rivera administers the big space',
        sql: `INSERT INTO "SpaceMembership" ("id", "spaceId", "userId", "role", "addedById") VALUES ('${PREFIX}msam', '${PREFIX}s1', '${samId}', 'ADMINISTRATOR', '${adminId}')`,
      },
      {
        label: 'guest space assignments (one space per guest)',
        sql: `INSERT INTO "GuestSpaceAssignment" ("siteId", "userId", "spaceId", "createdAt")
          SELECT '${siteId}', m."userId", m."spaceId", m."createdAt" FROM "SpaceMembership" m WHERE m."id" LIKE '${PREFIX}mg%'`,
      },
      {
        label: `${c.workItems.toLocaleString('en-US')} work items`,
        // Spread over every space of the site (the demo ones too), numbered after their existing items.
        sql: `WITH spaces AS (SELECT "id", "nextItemNumber", row_number() OVER (ORDER BY "id") - 1 AS ord, count(*) OVER () AS total FROM "Space" WHERE "siteId" = '${siteId}')
          INSERT INTO "WorkItem" ("id", "spaceId", "number", "summary", "description", "status", "reporterId", "assigneeId", "createdAt", "updatedAt")
          SELECT '${PREFIX}w' || k, s."id", s."nextItemNumber" + k / s.total,
                 (${sqlText(WORDS.slice(0, 10))})[1 + pg_temp.ri(k, 'verb', 10)] || ' ' || (${sqlText(WORDS.slice(10))})[1 + pg_temp.ri(k, 'noun', 10)] || ' #' || k,
                 'Generated work item ' || k || ' for the large benchmark site.',
                 (ARRAY['TO_DO', 'IN_PROGRESS', 'DONE'])[1 + pg_temp.ri(k, 'status', 3)]::"WorkItemStatus",
                 '${PREFIX}u' || (${G + 1} + pg_temp.ri(k, 'reporter', ${N - G})),
                 CASE WHEN pg_temp.r(k, 'unassigned') < 0.2 THEN NULL ELSE '${PREFIX}u' || (${G + 1} + pg_temp.ri(k, 'assignee', ${N - G})) END,
                 ${ts(`pg_temp.r(k, 'wcreated') * 600 + 1`)}, ${ts(`pg_temp.r(k, 'wcreated') * 600 * pg_temp.r(k, 'wupdated')`)}
            FROM generate_series(0, ${c.workItems - 1}) AS k JOIN spaces s ON s.ord = k % s.total`,
      },
      {
        label: 'next item numbers',
        sql: `UPDATE "Space" s SET "nextItemNumber" = w.n + 1 FROM (SELECT "spaceId", max("number") AS n FROM "WorkItem" GROUP BY "spaceId") w WHERE w."spaceId" = s."id" AND s."siteId" = '${siteId}'`,
      },
      {
        label: 'comments (0–2 per work item)',
        sql: `INSERT INTO "Comment" ("id", "workItemId", "authorId", "body", "createdAt", "updatedAt")
          SELECT '${PREFIX}c' || k || '.' || n, '${PREFIX}w' || k, '${PREFIX}u' || (${G + 1} + pg_temp.ri(k * 2 + n, 'cauthor', ${N - G})),
                 'Comment ' || n || ' on item ' || k || ': looks good, see the attached notes.',
                 ${ts(`pg_temp.r(k * 2 + n, 'ccreated') * 300`)}, ${ts(`pg_temp.r(k * 2 + n, 'ccreated') * 300`)}
            FROM generate_series(0, ${c.workItems - 1}) AS k CROSS JOIN generate_series(1, 2) AS n
           WHERE n <= pg_temp.ri(k, 'ccount', 3)`,
      },
      {
        label: `${c.invitations.toLocaleString('en-US')} invitations (pending, expired, accepted, revoked)`,
        // Pending and revoked invitations go to addresses without an account (each address once);
        // accepted ones name the user who accepted.
        sql: `INSERT INTO "Invitation" ("id", "siteId", "appId", "email", "role", "tokenHash", "personalMessage", "guestAccessExpiresAt", "invitedById",
                                        "expiresAt", "state", "openEmail", "deliveryState", "deliveryError", "sentAt", "acceptedAt", "acceptedUserId", "revokedAt", "createdAt", "updatedAt")
          SELECT '${PREFIX}i' || k, '${siteId}', '${jiraId}', x.email, x.role::"AppRoleKind",
                 encode(sha256(convert_to('${seed}:invitation:' || k, 'UTF8')), 'hex'),
                 CASE WHEN pg_temp.r(k, 'msg') < 0.3 THEN 'Welcome to the team!' END,
                 CASE WHEN x.role = 'GUEST' AND pg_temp.r(k, 'gae') < 0.3 THEN x.created + interval '90 days' END,
                 '${adminId}', x.created + interval '7 days', x.state::"InvitationState",
                 CASE WHEN x.state = 'PENDING' THEN x.email END,
                 (CASE WHEN pg_temp.r(k, 'deliv') < 0.9 THEN 'SENT' WHEN pg_temp.r(k, 'deliv') < 0.95 THEN 'FAILED' ELSE 'QUEUED' END)::"DeliveryState",
                 CASE WHEN pg_temp.r(k, 'deliv') >= 0.9 AND pg_temp.r(k, 'deliv') < 0.95 THEN '550 mailbox unavailable' END,
                 CASE WHEN pg_temp.r(k, 'deliv') < 0.9 THEN x.created + interval '5 seconds' END,
                 CASE WHEN x.state = 'ACCEPTED' THEN x.created + interval '1 day' END,
                 CASE WHEN x.state = 'ACCEPTED' THEN '${PREFIX}u' || x.u END,
                 CASE WHEN x.state = 'REVOKED' THEN x.created + interval '2 days' END,
                 x.created, x.created
            FROM (SELECT k, st AS state,
                         CASE WHEN st = 'ACCEPTED' THEN u.email ELSE 'invitee.' || k || '@' || (${sqlText([...EXTERNAL_DOMAINS, 'acme.com', 'acme.com'])})[1 + pg_temp.ri(k, 'idom', ${EXTERNAL_DOMAINS.length + 2})] END AS email,
                         CASE WHEN pg_temp.r(k, 'irole') < 0.45 THEN 'GUEST' ELSE 'USER' END AS role,
                         pick.i AS u,
                         -- Pending: half still open, half past their expiry date.
                         CASE WHEN st = 'PENDING' AND k % 2 = 0 THEN ${ts(`pg_temp.r(k, 'icreated') * 6`)} ELSE ${ts(`8 + pg_temp.r(k, 'icreated') * 600`)} END AS created
                    FROM (SELECT k, CASE WHEN pg_temp.r(k, 'istate') < 0.35 THEN 'PENDING' WHEN pg_temp.r(k, 'istate') < 0.85 THEN 'ACCEPTED' ELSE 'REVOKED' END AS st
                            FROM generate_series(1, ${c.invitations}) AS k) AS s
                    LEFT JOIN LATERAL (SELECT ${G + 1} + pg_temp.ri(k, 'iuser', ${N - G}) AS i) AS pick ON s.st = 'ACCEPTED'
                    LEFT JOIN "User" u ON u."id" = '${PREFIX}u' || pick.i) AS x`,
      },
      {
        label: `${c.accessRequests.toLocaleString('en-US')} access requests (pending, approved, denied)`,
        sql: `INSERT INTO "AccessRequest" ("id", "siteId", "email", "userId", "requestedById", "spaceId", "note", "state", "blockingEmail", "decidedById", "decidedAt", "grantedRole", "createdAt")
          SELECT '${PREFIX}a' || k, '${siteId}', x.email, NULL,
                 CASE WHEN k % 4 = 0 THEN '${samId}' END, CASE WHEN k % 4 = 0 THEN '${PREFIX}s1' END,
                 'I work with the ' || (${sqlText(WORDS.slice(10))})[1 + pg_temp.ri(k, 'anote', 10)] || ' team.',
                 x.state::"AccessRequestState", CASE WHEN x.state <> 'APPROVED' THEN x.email END,
                 CASE WHEN x.state <> 'PENDING' THEN '${adminId}' END,
                 CASE WHEN x.state <> 'PENDING' THEN x.created + interval '1 day' END,
                 CASE WHEN x.state = 'APPROVED' THEN 'GUEST'::"AppRoleKind" END,
                 x.created
            FROM (SELECT k, 'requester.' || k || '@' || (${sqlText(EXTERNAL_DOMAINS)})[1 + pg_temp.ri(k, 'adom', ${EXTERNAL_DOMAINS.length})] AS email,
                         CASE WHEN k <= 300 THEN 'PENDING' WHEN pg_temp.r(k, 'astate') < 0.8 THEN 'APPROVED' ELSE 'DENIED' END AS state,
                         ${ts(`pg_temp.r(k, 'acreated') * 365`)} AS created
                    FROM generate_series(1, ${c.accessRequests}) AS k) AS x`,
      },
    ];

    const cumulative = AUDIT_MIX.reduce<number[]>((acc, [, w]) => [...acc, (acc.at(-1) ?? 0) + w], []);
    const total = cumulative.at(-1)!;
    const actionCase = `CASE ${AUDIT_MIX.map(([a], idx) => `WHEN w < ${cumulative[idx]} THEN '${a}'`).join(' ')} END`;
    const batch = 100_000;
    for (let start = 1; start <= c.auditEvents; start += batch) {
      const end = Math.min(c.auditEvents, start + batch - 1);
      steps.push({
        label: `audit events ${start.toLocaleString('en-US')}–${end.toLocaleString('en-US')} of ${c.auditEvents.toLocaleString('en-US')}`,
        // Oldest first, so ids grow with time as they do in a real log.
        sql: `INSERT INTO "AuditEvent" ("siteId", "actorId", "action", "targetType", "targetId", "targetUserId", "before", "after", "ip", "userAgent", "createdAt")
          SELECT '${siteId}', CASE WHEN pg_temp.r(k, 'actor') < 0.5 THEN '${adminId}' WHEN pg_temp.r(k, 'actor') < 0.55 THEN NULL ELSE '${PREFIX}u' || (${G + 1} + pg_temp.ri(k, 'actoru', 60)) END,
                 action, 'user', '${PREFIX}u' || t, '${PREFIX}u' || t,
                 CASE WHEN action LIKE '%changed' THEN jsonb_build_object('role', 'USER') END,
                 jsonb_build_object('email', lower(u_email)),
                 '10.' || pg_temp.ri(k, 'ip1', 255) || '.' || pg_temp.ri(k, 'ip2', 255) || '.' || pg_temp.ri(k, 'ip3', 255),
                 'Mozilla/5.0 (benchmark)',
                 ((now() AT TIME ZONE 'UTC') - interval '730 days' + (k::double precision / ${c.auditEvents}) * interval '730 days')::timestamp(3)
            FROM (SELECT k, 1 + pg_temp.ri(k, 'target', ${N}) AS t, 'user' || k || '@example.com' AS u_email,
                         (SELECT ${actionCase} FROM (SELECT pg_temp.ri(k, 'action', ${total}) AS w) AS ww) AS action
                    FROM generate_series(${start}, ${end}) AS k) AS e`,
      });
    }
    // What the Jira-role copy triggers would have written (migration site_user_jira_role).
    steps.push({
      label: "Copy each person's Jira role onto SiteUser",
      sql: `UPDATE "SiteUser" su SET "jiraRole" = r."role" FROM "AppRole" r
             WHERE r."appId" = '${jiraId}' AND r."userId" = su."userId" AND su."siteId" = '${siteId}' AND su."jiraRole" IS DISTINCT FROM r."role"`,
    });
    steps.push({ label: 'ANALYZE', sql: 'ANALYZE' });

    const began = Date.now();
    // The seat counter's row triggers would update the site's counter row once per inserted row,
    // each update walking the versions the statement already made (quadratic: 100,000 roles took
    // minutes). They are off for the bulk load, and the counter is recounted once at the end (the
    // Jira-role copies are a step above).
    await client.query(DERIVING_TRIGGERS.map((t) => `ALTER TABLE ${t.table} DISABLE TRIGGER ${t.trigger}`).join('; '));
    await client.query(TRIGRAM_INDEXES.map((index) => `ALTER INDEX "${index}" SET (fastupdate = on)`).join('; '));
    try {
      for (const [index, step] of steps.entries()) {
        const t0 = Date.now();
        const result = await client.query(step.sql);
        const rows = result.rowCount ? ` (${result.rowCount.toLocaleString('en-US')} rows)` : '';
        log(`[${index + 1}/${steps.length}] ${step.label}${rows}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    } finally {
      await client.query(DERIVING_TRIGGERS.map((t) => `ALTER TABLE ${t.table} ENABLE TRIGGER ${t.trigger}`).join('; '));
      await client.query(
        TRIGRAM_INDEXES.map((index) => `SELECT gin_clean_pending_list('"${index}"'::regclass); ALTER INDEX "${index}" SET (fastupdate = off)`).join('; '),
      );
    }
    await client.query(RECOUNT_SEATS_SQL, [siteId]);
    log(`Large seed done in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
    return c;
  } finally {
    await client.end();
  }
}
