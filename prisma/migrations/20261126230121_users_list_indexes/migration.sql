-- Users list (Settings > Users) at 100k+ people: trigram search on name and email, keyset order
-- on "Last active". pg_trgm folds case itself, so ILIKE on the plain columns uses these indexes.
-- Prisma's diff ignores extensions unless the postgresqlExtensions preview feature is on, so
-- creating it here keeps the drift check clean. pg_trgm is a trusted extension (PostgreSQL 13+).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "User_lastActiveAt_id_idx" ON "User"("lastActiveAt", "id");

-- CreateIndex
CREATE INDEX "User_name_trgm_idx" ON "User" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "User_email_trgm_idx" ON "User" USING GIN ("email" gin_trgm_ops);

-- With GIN's default fastupdate, new entries wait in a pending list until (auto)vacuum merges
-- them, and the planner prices a search as a full read of that list: after a burst of sign-ups
-- or activity writes (indexing "lastActiveAt" makes those non-HOT updates) search would fall
-- back to a sequential scan. Writes to "User" are rare enough to pay for direct insertion.
ALTER INDEX "User_name_trgm_idx" SET (fastupdate = off);
ALTER INDEX "User_email_trgm_idx" SET (fastupdate = off);
