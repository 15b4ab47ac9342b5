-- AlterTable
ALTER TABLE "images" ADD COLUMN     "accountId" TEXT,
ADD COLUMN     "sourceVmId" TEXT;

-- AlterTable
ALTER TABLE "vms" ADD COLUMN     "healthCheck" JSONB,
ADD COLUMN     "healthy" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "nextScheduledRestartAt" TIMESTAMPTZ(3),
ADD COLUMN     "restartAt" TIMESTAMPTZ(3),
ADD COLUMN     "restartSchedule" JSONB;

-- CreateIndex
CREATE INDEX "images_accountId_idx" ON "images"("accountId");

-- CreateIndex
CREATE INDEX "vms_restartAt_idx" ON "vms"("restartAt");

-- CreateIndex
CREATE INDEX "vms_nextScheduledRestartAt_idx" ON "vms"("nextScheduledRestartAt");
