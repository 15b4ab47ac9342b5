-- DropIndex
DROP INDEX "node_status_changes_nodeId_changedAt_id_idx";

-- DropIndex
DROP INDEX "vm_status_changes_vmId_changedAt_id_idx";

-- CreateIndex
CREATE INDEX "node_status_changes_nodeId_changedAt_id_status_idx" ON "node_status_changes"("nodeId", "changedAt", "id", "status");

-- CreateIndex
CREATE INDEX "vm_status_changes_vmId_changedAt_id_status_nodeId_idx" ON "vm_status_changes"("vmId", "changedAt", "id", "status", "nodeId");
