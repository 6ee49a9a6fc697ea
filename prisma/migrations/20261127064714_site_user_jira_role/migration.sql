-- AlterTable
ALTER TABLE "SiteUser" ADD COLUMN     "jiraRole" "AppRoleKind";

-- CreateIndex
CREATE INDEX "SiteUser_siteId_jiraRole_addedAt_id_idx" ON "SiteUser"("siteId", "jiraRole", "addedAt", "id");

-- "jiraRole" is a copy, exact in the same transaction as every change to the rows it copies:
-- SiteUser's own trigger always computes it from AppRole (the site's Jira app), and a change to
-- an AppRole row touches the person's SiteUser row so that the trigger computes it again.
-- Computing from the current rows (never applying a delta) makes any order of changes,
-- set-based statements and cascades come out right. (A guest's space is not copied: adding a
-- person to a space holds their SiteUser row FOR SHARE while it writes the assignment, and a
-- copy there would make two such adds deadlock.) This file runs as one script, see
-- site_seat_counter.

CREATE FUNCTION "portico_site_user_jira_role_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  NEW."jiraRole" := (SELECT r."role" FROM "App" a JOIN "AppRole" r ON r."appId" = a."id" AND r."userId" = NEW."userId"
                     WHERE a."siteId" = NEW."siteId" AND a."kind" = 'JIRA');
  RETURN NEW;
END $$;

CREATE FUNCTION "portico_app_role_copy_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."appId" = NEW."appId" AND OLD."userId" = NEW."userId" AND OLD."role" = NEW."role" THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "SiteUser" su SET "jiraRole" = su."jiraRole" FROM "App" a
     WHERE a."id" = OLD."appId" AND a."kind" = 'JIRA' AND su."siteId" = a."siteId" AND su."userId" = OLD."userId";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE "SiteUser" su SET "jiraRole" = su."jiraRole" FROM "App" a
     WHERE a."id" = NEW."appId" AND a."kind" = 'JIRA' AND su."siteId" = a."siteId" AND su."userId" = NEW."userId";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "SiteUser_jira_role" BEFORE INSERT OR UPDATE ON "SiteUser"
  FOR EACH ROW EXECUTE FUNCTION "portico_site_user_jira_role_trigger"();

CREATE TRIGGER "AppRole_jira_role_copy" AFTER INSERT OR UPDATE OR DELETE ON "AppRole"
  FOR EACH ROW EXECUTE FUNCTION "portico_app_role_copy_trigger"();

-- The people on the sites that exist now (the trigger computes the copy).
UPDATE "SiteUser" SET "jiraRole" = "jiraRole";
