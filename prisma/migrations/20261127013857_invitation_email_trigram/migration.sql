-- Users list search: pending invitations matched by address through a trigram index (the
-- account-name side uses User_name_trgm_idx). fastupdate off, as for the User indexes.
-- CreateIndex
CREATE INDEX "Invitation_email_trgm_idx" ON "Invitation" USING GIN ("email" gin_trgm_ops);

ALTER INDEX "Invitation_email_trgm_idx" SET (fastupdate = off);
