-- A normalized address (lib/email-address.ts normalizeEmail) is lower-case ASCII: an allowed local
-- part, one @, and an IDNA ASCII domain. The earlier checks compared with lower(btrim()), which let
-- tabs, newlines, no-break spaces and fullwidth letters through.
ALTER TABLE "User" DROP CONSTRAINT "User_email_normalized";
ALTER TABLE "User" ADD CONSTRAINT "User_email_normalized"
  CHECK ("email" ~ '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$');
ALTER TABLE "Invitation" DROP CONSTRAINT "Invitation_email_normalized";
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_email_normalized"
  CHECK ("email" ~ '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$');
ALTER TABLE "AccessRequest" DROP CONSTRAINT "AccessRequest_email_normalized";
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_email_normalized"
  CHECK ("email" ~ '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$');
