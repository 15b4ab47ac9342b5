-- CreateEnum
CREATE TYPE "VmSnapshotStatus" AS ENUM ('creating', 'available', 'failed', 'deleted');

-- AlterTable
ALTER TABLE "vms" ADD COLUMN     "fromSnapshotId" TEXT,
ADD COLUMN     "pinnedNodeId" TEXT;

-- CreateTable
CREATE TABLE "vm_snapshots" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "vmId" TEXT NOT NULL,
    "name" TEXT,
    "nodeId" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "rootDiskGib" INTEGER NOT NULL,
    "status" "VmSnapshotStatus" NOT NULL DEFAULT 'creating',
    "volumeSnapshotIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "failureReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "vm_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "vm_snapshots_accountId_vmId_id_idx" ON "vm_snapshots"("accountId", "vmId", "id");
