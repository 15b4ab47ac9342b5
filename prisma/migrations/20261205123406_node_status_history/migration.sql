-- CreateTable
CREATE TABLE "node_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "nodeId" TEXT NOT NULL,
    "status" "NodeStatus" NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "node_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "node_status_changes_nodeId_changedAt_idx" ON "node_status_changes"("nodeId", "changedAt");

-- CreateIndex
CREATE INDEX "node_status_changes_changedAt_idx" ON "node_status_changes"("changedAt");

-- AddForeignKey
ALTER TABLE "node_status_changes" ADD CONSTRAINT "node_status_changes_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand: the schema diff does not see functions and triggers.
-- Every change of a node's status is recorded by the statement that makes it,
-- whichever code path that is (registration, heartbeats, liveness, epoch
-- close, jail, drain, decommission). The time is the row's statusChangedAt,
-- which those statements set; a statement that forgets to set it still gets
-- its own start time rather than a stale one.
CREATE FUNCTION "nodes_record_status_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "node_status_changes" ("nodeId", "status", "changedAt")
    VALUES (
        NEW."id",
        NEW."status",
        CASE WHEN TG_OP = 'INSERT' OR NEW."statusChangedAt" IS DISTINCT FROM OLD."statusChangedAt"
             THEN NEW."statusChangedAt" ELSE statement_timestamp() END
    );
    RETURN NULL;
END;
$$;

CREATE TRIGGER "nodes_status_history_insert" AFTER INSERT ON "nodes"
    FOR EACH ROW EXECUTE FUNCTION "nodes_record_status_change"();
CREATE TRIGGER "nodes_status_history_update" AFTER UPDATE OF "status" ON "nodes"
    FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "nodes_record_status_change"();

-- Nodes registered before the history existed start with their current status.
INSERT INTO "node_status_changes" ("nodeId", "status", "changedAt")
SELECT "id", "status", "statusChangedAt" FROM "nodes";
