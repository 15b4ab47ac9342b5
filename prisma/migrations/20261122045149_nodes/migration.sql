-- CreateEnum
CREATE TYPE "NodeClass" AS ENUM ('bare-metal', 'datacenter', 'edge');

-- CreateEnum
CREATE TYPE "NodeStatus" AS ENUM ('candidate', 'active', 'standby', 'unreachable', 'draining', 'decommissioned', 'jailed');

-- CreateEnum
CREATE TYPE "NodeJailReason" AS ENUM ('invalid_proofs', 'absence', 'admin');

-- CreateTable
CREATE TABLE "nodes" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "class" "NodeClass" NOT NULL,
    "arch" TEXT NOT NULL,
    "virtualization" BOOLEAN NOT NULL,
    "publicKey" TEXT NOT NULL,
    "address" TEXT,
    "reportedAddress" TEXT,
    "capacityVcpu" INTEGER NOT NULL,
    "capacityMemoryMib" INTEGER NOT NULL,
    "capacityDiskGib" INTEGER NOT NULL,
    "gpus" JSONB NOT NULL DEFAULT '[]',
    "allocatedVcpu" INTEGER NOT NULL DEFAULT 0,
    "allocatedMemoryMib" INTEGER NOT NULL DEFAULT 0,
    "allocatedDiskGib" INTEGER NOT NULL DEFAULT 0,
    "allocatedGpus" JSONB NOT NULL DEFAULT '[]',
    "status" "NodeStatus" NOT NULL DEFAULT 'candidate',
    "eligible" BOOLEAN NOT NULL DEFAULT false,
    "goodEpochs" INTEGER NOT NULL DEFAULT 0,
    "absentEpochs" INTEGER NOT NULL DEFAULT 0,
    "jailedUntilEpoch" INTEGER,
    "jailReason" "NodeJailReason",
    "jailNote" TEXT,
    "lastActiveEpoch" INTEGER,
    "lastSeenAt" TIMESTAMPTZ(3),
    "usage" JSONB,
    "reportedVms" JSONB NOT NULL DEFAULT '[]',
    "agentVersion" TEXT,
    "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decommissionRequestedAt" TIMESTAMPTZ(3),
    "decommissionedAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "node_session_challenges" (
    "nonceHash" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "node_session_challenges_pkey" PRIMARY KEY ("nonceHash")
);

-- CreateTable
CREATE TABLE "epochs" (
    "number" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),
    "nextSeed" TEXT,
    "eligibleNodeIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "eligibleSetHash" TEXT,
    "summary" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "epochs_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "node_proofs" (
    "nodeId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "input" TEXT NOT NULL,
    "output" TEXT NOT NULL,
    "proof" TEXT NOT NULL,
    "iterations" INTEGER NOT NULL,
    "previousHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "node_proofs_pkey" PRIMARY KEY ("nodeId","sequence")
);

-- CreateTable
CREATE TABLE "node_epoch_records" (
    "nodeId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "validProofs" INTEGER NOT NULL DEFAULT 0,
    "invalidProofs" INTEGER NOT NULL DEFAULT 0,
    "lastRejection" TEXT,
    "expectedProofs" INTEGER,
    "share" DOUBLE PRECISION,
    "statusBefore" "NodeStatus",
    "statusAfter" "NodeStatus",
    "eligibleAfter" BOOLEAN,
    "headSequence" INTEGER,
    "headHash" TEXT,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "node_epoch_records_pkey" PRIMARY KEY ("nodeId","epoch")
);

-- CreateIndex
CREATE UNIQUE INDEX "nodes_publicKey_key" ON "nodes"("publicKey");

-- CreateIndex
CREATE INDEX "nodes_accountId_id_idx" ON "nodes"("accountId", "id");

-- CreateIndex
CREATE INDEX "nodes_status_eligible_zone_idx" ON "nodes"("status", "eligible", "zone");

-- CreateIndex
CREATE UNIQUE INDEX "nodes_accountId_name_key" ON "nodes"("accountId", "name");

-- CreateIndex
CREATE INDEX "node_session_challenges_expiresAt_idx" ON "node_session_challenges"("expiresAt");

-- CreateIndex
CREATE INDEX "node_session_challenges_nodeId_idx" ON "node_session_challenges"("nodeId");

-- CreateIndex
CREATE INDEX "epochs_closedAt_idx" ON "epochs"("closedAt");

-- CreateIndex
CREATE INDEX "node_proofs_nodeId_epoch_idx" ON "node_proofs"("nodeId", "epoch");

-- CreateIndex
CREATE UNIQUE INDEX "node_proofs_nodeId_input_key" ON "node_proofs"("nodeId", "input");

-- CreateIndex
CREATE INDEX "node_epoch_records_epoch_idx" ON "node_epoch_records"("epoch");

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_session_challenges" ADD CONSTRAINT "node_session_challenges_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_proofs" ADD CONSTRAINT "node_proofs_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_epoch_records" ADD CONSTRAINT "node_epoch_records_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: CHECK constraints are not expressible in the Prisma schema
-- (and the schema diff ignores them). The compute capability reserves
-- capacity with conditional updates (`allocated + x <= capacity`), and these make
-- any bug in that path fail loudly instead of over-committing a node.
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_capacity_positive"
    CHECK ("capacityVcpu" > 0 AND "capacityMemoryMib" > 0 AND "capacityDiskGib" > 0);
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_allocated_vcpu_within_capacity"
    CHECK ("allocatedVcpu" >= 0 AND "allocatedVcpu" <= "capacityVcpu");
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_allocated_memory_within_capacity"
    CHECK ("allocatedMemoryMib" >= 0 AND "allocatedMemoryMib" <= "capacityMemoryMib");
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_allocated_disk_within_capacity"
    CHECK ("allocatedDiskGib" >= 0 AND "allocatedDiskGib" <= "capacityDiskGib");
ALTER TABLE "node_proofs" ADD CONSTRAINT "node_proofs_sequence_non_negative" CHECK ("sequence" >= 0);
