-- Settings > Audit log filtered by action: a keyset page of one action (however rare) is read in
-- index order. Without it, a rare action made the planner read the whole site range or the table.
-- CreateIndex
CREATE INDEX "AuditEvent_siteId_action_createdAt_id_idx" ON "AuditEvent"("siteId", "action", "createdAt" DESC, "id" DESC);
