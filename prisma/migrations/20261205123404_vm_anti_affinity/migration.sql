-- CreateIndex
CREATE UNIQUE INDEX "vms_accountId_antiAffinityGroup_reservedNodeId_key" ON "vms"("accountId", "antiAffinityGroup", "reservedNodeId");
