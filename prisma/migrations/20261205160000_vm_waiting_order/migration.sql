-- DropIndex
DROP INDEX "vms_status_idx";

-- CreateIndex
CREATE INDEX "vms_status_statusChangedAt_idx" ON "vms"("status", "statusChangedAt");
