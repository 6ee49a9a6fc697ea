-- Invariants Prisma's schema language cannot express. Prisma's diff ignores CHECK constraints,
-- so the drift check stays clean.

-- Emails are stored normalized (lower-case, trimmed): a case variant cannot make a second row.
ALTER TABLE "User" ADD CONSTRAINT "User_email_normalized" CHECK ("email" = lower(btrim("email")));
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_email_normalized" CHECK ("email" = lower(btrim("email")));
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_email_normalized" CHECK ("email" = lower(btrim("email")));

-- "openEmail" is the invitation's email exactly while it is pending (one open invitation per site and email).
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_open_email_matches_state"
  CHECK ((("state" = 'PENDING') AND "openEmail" IS NOT DISTINCT FROM "email") OR (("state" <> 'PENDING') AND "openEmail" IS NULL));

-- "blockingEmail" is set while a request is pending or denied (a denied person cannot ask again).
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_blocking_email_matches_state"
  CHECK ((("state" IN ('PENDING', 'DENIED')) AND "blockingEmail" IS NOT DISTINCT FROM "email") OR (("state" = 'APPROVED') AND "blockingEmail" IS NULL));

-- The one-space rule's assignment must point at a Guest membership in a space of the same site.
-- (A SQL function in a CHECK: the migration runner splits scripts on semicolons, so no plpgsql body.)
CREATE FUNCTION "guest_assignment_is_consistent"(site TEXT, space TEXT, member TEXT) RETURNS boolean
  LANGUAGE sql STABLE AS
  'SELECT EXISTS (SELECT 1 FROM "SpaceMembership" m JOIN "Space" s ON s."id" = m."spaceId" WHERE m."spaceId" = space AND m."userId" = member AND m."role" = ''GUEST'' AND s."siteId" = site)';
ALTER TABLE "GuestSpaceAssignment" ADD CONSTRAINT "GuestSpaceAssignment_guest_membership"
  CHECK ("guest_assignment_is_consistent"("siteId", "spaceId", "userId"));
