-- CreateTable
CREATE TABLE "SiteSeatCounter" (
    "siteId" TEXT NOT NULL,
    "licensedSeats" INTEGER NOT NULL DEFAULT 0,
    "guests" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SiteSeatCounter_pkey" PRIMARY KEY ("siteId")
);

-- CreateIndex
CREATE INDEX "Invitation_siteId_role_state_expiresAt_idx" ON "Invitation"("siteId", "role", "state", "expiresAt");

-- AddForeignKey
ALTER TABLE "SiteSeatCounter" ADD CONSTRAINT "SiteSeatCounter_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Exact seat figures, kept in the same transaction as every change to the rows they count.
--   licensedSeats: Jira User or Admin role, with site access (SiteUser) not suspended
--   guests:        Jira Guest role
-- Row-level BEFORE triggers apply each row's change against the other table's state at that
-- moment, so a cascade (a User deleted: its SiteUser and AppRole rows go one after the other)
-- adds up exactly. Each trigger locks the site's counter row before it reads the other table:
-- concurrent changes to one site's seats are serialized (they are already, behind the
-- site-membership advisory lock), and under READ COMMITTED the read sees the previous change.
-- (This file runs as one script: lib/db/migrations.ts sends it whole, as `prisma migrate deploy`
-- does, so the function bodies may hold semicolons.)

CREATE FUNCTION "portico_seat_lock"(site TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SiteSeatCounter" ("siteId") SELECT site WHERE EXISTS (SELECT 1 FROM "Site" WHERE "id" = site) ON CONFLICT DO NOTHING;
  PERFORM 1 FROM "SiteSeatCounter" WHERE "siteId" = site FOR UPDATE;
  RETURN FOUND;
END $$;

-- One AppRole row counted (+1) or uncounted (-1).
CREATE FUNCTION "portico_seat_app_role"(app TEXT, person TEXT, role "AppRoleKind", sign INTEGER) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  site TEXT;
BEGIN
  SELECT "siteId" INTO site FROM "App" WHERE "id" = app AND "kind" = 'JIRA';
  IF site IS NULL OR NOT "portico_seat_lock"(site) THEN
    RETURN;
  END IF;
  IF role = 'GUEST' THEN
    UPDATE "SiteSeatCounter" SET "guests" = "guests" + sign WHERE "siteId" = site;
  ELSIF role IN ('USER', 'ADMIN') AND EXISTS (SELECT 1 FROM "SiteUser" WHERE "siteId" = site AND "userId" = person AND "suspendedAt" IS NULL) THEN
    UPDATE "SiteSeatCounter" SET "licensedSeats" = "licensedSeats" + sign WHERE "siteId" = site;
  END IF;
END $$;

-- One SiteUser row counted (+1) or uncounted (-1): a seat when not suspended and licensed in Jira.
CREATE FUNCTION "portico_seat_site_user"(site TEXT, person TEXT, suspended TIMESTAMP(3), sign INTEGER) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF suspended IS NOT NULL OR NOT "portico_seat_lock"(site) THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
             WHERE a."siteId" = site AND a."kind" = 'JIRA' AND r."userId" = person AND r."role" IN ('USER', 'ADMIN')) THEN
    UPDATE "SiteSeatCounter" SET "licensedSeats" = "licensedSeats" + sign WHERE "siteId" = site;
  END IF;
END $$;

CREATE FUNCTION "portico_seat_app_role_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."appId" = NEW."appId" AND OLD."userId" = NEW."userId" AND OLD."role" = NEW."role" THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "portico_seat_app_role"(OLD."appId", OLD."userId", OLD."role", -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "portico_seat_app_role"(NEW."appId", NEW."userId", NEW."role", 1);
    RETURN NEW;
  END IF;
  RETURN OLD;
END $$;

CREATE FUNCTION "portico_seat_site_user_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."siteId" = NEW."siteId" AND OLD."userId" = NEW."userId"
     AND (OLD."suspendedAt" IS NULL) = (NEW."suspendedAt" IS NULL) THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "portico_seat_site_user"(OLD."siteId", OLD."userId", OLD."suspendedAt", -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "portico_seat_site_user"(NEW."siteId", NEW."userId", NEW."suspendedAt", 1);
    RETURN NEW;
  END IF;
  RETURN OLD;
END $$;

CREATE TRIGGER "AppRole_seat_counter" BEFORE INSERT OR UPDATE OR DELETE ON "AppRole"
  FOR EACH ROW EXECUTE FUNCTION "portico_seat_app_role_trigger"();

CREATE TRIGGER "SiteUser_seat_counter" BEFORE INSERT OR UPDATE OR DELETE ON "SiteUser"
  FOR EACH ROW EXECUTE FUNCTION "portico_seat_site_user_trigger"();

-- The figures of the sites that exist now.
INSERT INTO "SiteSeatCounter" ("siteId", "licensedSeats", "guests")
SELECT s."id",
  (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
     JOIN "SiteUser" su ON su."userId" = r."userId" AND su."siteId" = a."siteId"
   WHERE a."siteId" = s."id" AND a."kind" = 'JIRA' AND r."role" IN ('USER', 'ADMIN') AND su."suspendedAt" IS NULL),
  (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
   WHERE a."siteId" = s."id" AND a."kind" = 'JIRA' AND r."role" = 'GUEST')
FROM "Site" s;
