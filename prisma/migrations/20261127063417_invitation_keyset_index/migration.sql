-- DropIndex
DROP INDEX "Invitation_siteId_state_createdAt_idx";

-- CreateIndex
CREATE INDEX "Invitation_siteId_state_createdAt_id_idx" ON "Invitation"("siteId", "state", "createdAt", "id");
