-- AlterTable
-- "userName" sorts as "User"."name" does (names_sort_ignoring_case): a search sorted by name reads
-- the copy, and must order people exactly as the list does without a search.
ALTER TABLE "SiteUser" ADD COLUMN     "userEmail" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "userName" TEXT COLLATE "und-x-icu" NOT NULL DEFAULT '';

-- "userName" and "userEmail" copy the account's name and address onto each of its site
-- memberships, for the Users list's search: a common surname matched 2,238 accounts on the large
-- seed, and reading each one's membership of the site to order them was most of the page's 19 ms
-- in the database. With the copies, the site's matches come from one trigram index and are sorted
-- where they are read.
-- Like "jiraRole" (site_user_jira_role), the copy is computed from the current rows, never
-- patched: SiteUser's own trigger reads the account whenever a row is written or its copy is
-- touched, and a change to an account's name or address touches its memberships so that their
-- trigger reads it again.
-- Two transactions could each miss the other's uncommitted row (a membership added while its
-- account is renamed). The membership's trigger reads the account FOR SHARE: it waits for an
-- uncommitted rename (and then reads the new name), and a later rename waits for the membership
-- to commit, then its own update of the memberships sees that row.

-- The memberships that exist now, set-based and before the trigger exists (one pass, no per-row
-- lookups).
UPDATE "SiteUser" su SET "userName" = u."name", "userEmail" = u."email" FROM "User" u WHERE u."id" = su."userId";

CREATE FUNCTION "portico_site_user_account_copy_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  SELECT u."name", u."email" INTO NEW."userName", NEW."userEmail" FROM "User" u WHERE u."id" = NEW."userId" FOR SHARE;
  IF NOT FOUND THEN
    -- No such account: the foreign key refuses the row, with its own error.
    NEW."userName" := '';
    NEW."userEmail" := '';
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION "portico_user_site_user_copy_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."name" IS NOT DISTINCT FROM NEW."name" AND OLD."email" IS NOT DISTINCT FROM NEW."email" THEN
    RETURN NULL;
  END IF;
  UPDATE "SiteUser" SET "userName" = "userName" WHERE "userId" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "SiteUser_account_copy" BEFORE INSERT OR UPDATE OF "userId", "userName", "userEmail" ON "SiteUser"
  FOR EACH ROW EXECUTE FUNCTION "portico_site_user_account_copy_trigger"();

CREATE TRIGGER "User_site_user_copy" AFTER UPDATE OF "name", "email" ON "User"
  FOR EACH ROW EXECUTE FUNCTION "portico_user_site_user_copy_trigger"();

-- CreateIndex
CREATE INDEX "Invitation_listName_trgm_idx" ON "Invitation" USING GIN ("listName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "SiteUser_search_trgm_idx" ON "SiteUser" USING GIN ("userName" gin_trgm_ops, "userEmail" gin_trgm_ops);

-- As for the other trigram indexes: rows written in a burst are searchable through the index at
-- once (a GIN pending list would make the planner read the table instead).
ALTER INDEX "Invitation_listName_trgm_idx" SET (fastupdate = off);
ALTER INDEX "SiteUser_search_trgm_idx" SET (fastupdate = off);
