-- CreateEnum
CREATE TYPE "VmStatus" AS ENUM ('pending', 'scheduled', 'provisioning', 'running', 'stopping', 'stopped', 'starting', 'restarting', 'deleting', 'deleted', 'unschedulable', 'failed', 'suspended', 'rescheduling', 'crashLoop');

-- CreateEnum
CREATE TYPE "VmMode" AS ENUM ('persistent', 'transient');

-- CreateEnum
CREATE TYPE "VmRunStrategy" AS ENUM ('always', 'rerunOnFailure', 'manual', 'halted');

-- CreateEnum
CREATE TYPE "PlacementStrategy" AS ENUM ('binpack', 'spread');

-- CreateEnum
CREATE TYPE "PortProtocol" AS ENUM ('https', 'tcp', 'udp');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "AssignmentStatus" AS ENUM ('pending', 'delivered', 'done', 'failed', 'superseded');

-- CreateTable
CREATE TABLE "zones" (
    "name" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "udpPortMin" INTEGER NOT NULL,
    "udpPortMax" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "zones_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "images" (
    "name" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "osFamily" TEXT NOT NULL,
    "osVersion" TEXT NOT NULL,
    "arch" TEXT NOT NULL DEFAULT 'x86_64',
    "minDiskGib" INTEGER NOT NULL,
    "sourceUrl" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "images_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "instance_types" (
    "name" TEXT NOT NULL,
    "series" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "vcpu" INTEGER NOT NULL,
    "memoryMib" INTEGER NOT NULL,
    "gpuModel" TEXT,
    "gpuCount" INTEGER NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instance_types_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "vms" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "liveName" TEXT,
    "zone" TEXT NOT NULL,
    "instanceType" TEXT NOT NULL,
    "vcpu" INTEGER NOT NULL,
    "memoryMib" INTEGER NOT NULL,
    "gpuModel" TEXT,
    "gpuCount" INTEGER NOT NULL DEFAULT 0,
    "image" TEXT NOT NULL,
    "arch" TEXT NOT NULL DEFAULT 'x86_64',
    "rootDiskGib" INTEGER NOT NULL,
    "mode" "VmMode" NOT NULL,
    "runStrategy" "VmRunStrategy" NOT NULL,
    "placementStrategy" "PlacementStrategy" NOT NULL DEFAULT 'binpack',
    "antiAffinityGroup" TEXT,
    "cloudInit" TEXT,
    "sshKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labels" JSONB NOT NULL DEFAULT '{}',
    "status" "VmStatus" NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "desiredStatus" TEXT NOT NULL DEFAULT 'running',
    "nodeId" TEXT,
    "reservedNodeId" TEXT,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "placement" JSONB,
    "placementAttempts" INTEGER NOT NULL DEFAULT 0,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "vms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vm_ports" (
    "vmId" TEXT NOT NULL,
    "protocol" "PortProtocol" NOT NULL,
    "targetPort" INTEGER NOT NULL,
    "zone" TEXT NOT NULL,
    "fqdn" TEXT NOT NULL,
    "publicPort" INTEGER,

    CONSTRAINT "vm_ports_pkey" PRIMARY KEY ("vmId","protocol","targetPort")
);

-- CreateTable
CREATE TABLE "vm_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "vmId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" "VmStatus" NOT NULL,
    "nodeId" TEXT,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vm_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vm_events" (
    "id" BIGSERIAL NOT NULL,
    "vmId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vm_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operations" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'pending',
    "error" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "id" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "vmId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "AssignmentStatus" NOT NULL DEFAULT 'pending',
    "deliveries" INTEGER NOT NULL DEFAULT 0,
    "deliveredAt" TIMESTAMPTZ(3),
    "ackedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_quotas" (
    "accountId" TEXT NOT NULL,
    "maxVms" INTEGER NOT NULL,
    "maxVcpu" INTEGER NOT NULL,
    "maxMemoryMib" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_quotas_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "gateway_tokens" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "zones" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "gateway_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "vms_accountId_id_idx" ON "vms"("accountId", "id");

-- CreateIndex
CREATE INDEX "vms_status_idx" ON "vms"("status");

-- CreateIndex
CREATE INDEX "vms_reservedNodeId_idx" ON "vms"("reservedNodeId");

-- CreateIndex
CREATE INDEX "vms_nodeId_idx" ON "vms"("nodeId");

-- CreateIndex
CREATE INDEX "vms_zone_antiAffinityGroup_idx" ON "vms"("zone", "antiAffinityGroup");

-- CreateIndex
CREATE UNIQUE INDEX "vms_accountId_liveName_key" ON "vms"("accountId", "liveName");

-- CreateIndex
CREATE UNIQUE INDEX "vm_ports_zone_publicPort_key" ON "vm_ports"("zone", "publicPort");

-- CreateIndex
CREATE INDEX "vm_status_changes_vmId_changedAt_idx" ON "vm_status_changes"("vmId", "changedAt");

-- CreateIndex
CREATE INDEX "vm_status_changes_changedAt_idx" ON "vm_status_changes"("changedAt");

-- CreateIndex
CREATE INDEX "vm_events_vmId_id_idx" ON "vm_events"("vmId", "id");

-- CreateIndex
CREATE INDEX "operations_accountId_id_idx" ON "operations"("accountId", "id");

-- CreateIndex
CREATE INDEX "operations_targetId_status_idx" ON "operations"("targetId", "status");

-- CreateIndex
CREATE INDEX "assignments_nodeId_status_createdAt_idx" ON "assignments"("nodeId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "assignments_vmId_idx" ON "assignments"("vmId");

-- CreateIndex
CREATE UNIQUE INDEX "gateway_tokens_tokenHash_key" ON "gateway_tokens"("tokenHash");

-- AddForeignKey
ALTER TABLE "vms" ADD CONSTRAINT "vms_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vm_ports" ADD CONSTRAINT "vm_ports_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "vms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vm_status_changes" ADD CONSTRAINT "vm_status_changes_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "vms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vm_events" ADD CONSTRAINT "vm_events_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "vms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "vms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_quotas" ADD CONSTRAINT "account_quotas_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
