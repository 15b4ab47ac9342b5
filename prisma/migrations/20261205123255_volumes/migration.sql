-- CreateEnum
CREATE TYPE "VolumeStatus" AS ENUM ('creating', 'available', 'attached', 'detaching', 'deleting', 'deleted', 'lost', 'error');

-- CreateEnum
CREATE TYPE "VolumeSourceKind" AS ENUM ('empty', 'image', 'snapshot', 'url');

-- CreateEnum
CREATE TYPE "VolumeSnapshotStatus" AS ENUM ('creating', 'available', 'deleting', 'deleted', 'lost', 'error');

-- CreateEnum
CREATE TYPE "VolumeSnapshotLocation" AS ENUM ('platform', 'node');

-- CreateTable
CREATE TABLE "volumes" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "liveName" TEXT,
    "zone" TEXT NOT NULL,
    "sizeGib" INTEGER NOT NULL,
    "provider" "VolumeProvider" NOT NULL,
    "replicas" INTEGER,
    "nodeId" TEXT,
    "s3Endpoint" TEXT,
    "s3Region" TEXT,
    "s3Bucket" TEXT,
    "s3Prefix" TEXT,
    "s3CredentialsSecret" TEXT,
    "sourceKind" "VolumeSourceKind" NOT NULL DEFAULT 'empty',
    "sourceRef" TEXT,
    "sourceAddresses" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labels" JSONB NOT NULL DEFAULT '{}',
    "status" "VolumeStatus" NOT NULL,
    "statusReason" TEXT,
    "attachedVmId" TEXT,
    "attachedAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "volumes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "volume_snapshots" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "volumeId" TEXT NOT NULL,
    "name" TEXT,
    "zone" TEXT NOT NULL,
    "sizeGib" INTEGER NOT NULL,
    "provider" "VolumeProvider" NOT NULL,
    "status" "VolumeSnapshotStatus" NOT NULL,
    "location" "VolumeSnapshotLocation" NOT NULL,
    "nodeId" TEXT,
    "vmId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "volume_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "volumes_accountId_id_idx" ON "volumes"("accountId", "id");

-- CreateIndex
CREATE INDEX "volumes_attachedVmId_idx" ON "volumes"("attachedVmId");

-- CreateIndex
CREATE INDEX "volumes_nodeId_idx" ON "volumes"("nodeId");

-- CreateIndex
CREATE UNIQUE INDEX "volumes_accountId_liveName_key" ON "volumes"("accountId", "liveName");

-- CreateIndex
CREATE INDEX "volume_snapshots_accountId_id_idx" ON "volume_snapshots"("accountId", "id");

-- CreateIndex
CREATE INDEX "volume_snapshots_volumeId_id_idx" ON "volume_snapshots"("volumeId", "id");

-- CreateIndex
CREATE INDEX "volume_snapshots_nodeId_idx" ON "volume_snapshots"("nodeId");

-- AddForeignKey
ALTER TABLE "volumes" ADD CONSTRAINT "volumes_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "volume_snapshots" ADD CONSTRAINT "volume_snapshots_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "volumes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "volume_snapshots" ADD CONSTRAINT "volume_snapshots_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rules the schema language cannot express.
ALTER TABLE "volumes" ADD CONSTRAINT "volumes_size_positive" CHECK ("sizeGib" > 0);
ALTER TABLE "volumes" ADD CONSTRAINT "volumes_live_name" CHECK (("liveName" IS NULL) = ("status" = 'deleted') AND ("liveName" IS NULL OR "liveName" = "name"));
ALTER TABLE "volumes" ADD CONSTRAINT "volumes_attached_has_vm" CHECK ("status" NOT IN ('attached', 'detaching') OR "attachedVmId" IS NOT NULL);
ALTER TABLE "volume_snapshots" ADD CONSTRAINT "volume_snapshots_node_location" CHECK (("location" = 'node') = ("nodeId" IS NOT NULL));
