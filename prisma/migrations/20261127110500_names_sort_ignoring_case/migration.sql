-- People's and spaces' names sort as Jira sorts them: alphabetically, whatever their case ("amy"
-- before "Bob", an invitation shown by its address among the T's for "taylor@…"), rather than in
-- the database's default collation (in C, every capital comes before every small letter). ICU's
-- root collation is deterministic: equality stays byte-for-byte, only the order changes. The
-- indexes on these columns are rebuilt in the new order, so sorting and keyset pages by name
-- still read one index range. schema.prisma cannot state a column's collation; it lives here.
--
-- A column named in a trigger's UPDATE OF list cannot change type, so the invitation-name triggers
-- (20261127090959_invitation_list_name) are dropped and created again exactly as they were.
DROP TRIGGER "User_invitation_names" ON "User";
DROP TRIGGER "Invitation_list_name_lock" ON "Invitation";
DROP TRIGGER "Invitation_list_name" ON "Invitation";

ALTER TABLE "User" ALTER COLUMN "name" TYPE TEXT COLLATE "und-x-icu";
ALTER TABLE "Invitation" ALTER COLUMN "listName" TYPE TEXT COLLATE "und-x-icu";
ALTER TABLE "Space" ALTER COLUMN "name" TYPE TEXT COLLATE "und-x-icu";

CREATE TRIGGER "Invitation_list_name_lock" BEFORE INSERT OR UPDATE OF "email", "listName" ON "Invitation"
  FOR EACH STATEMENT EXECUTE FUNCTION "portico_invitation_list_name_lock"();

CREATE TRIGGER "Invitation_list_name" BEFORE INSERT OR UPDATE OF "email", "listName" ON "Invitation"
  FOR EACH ROW EXECUTE FUNCTION "portico_invitation_list_name_trigger"();

CREATE TRIGGER "User_invitation_names" AFTER INSERT OR UPDATE OF "name", "email" OR DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION "portico_user_invitation_names_trigger"();
