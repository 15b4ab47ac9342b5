-- CreateTable
CREATE TABLE "volume_usage_changes" (
    "id" BIGSERIAL NOT NULL,
    "volumeId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "provider" "VolumeProvider" NOT NULL,
    "nodeId" TEXT,
    "sizeGib" INTEGER NOT NULL,
    "billable" BOOLEAN NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "volume_usage_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "volume_usage_changes_volumeId_changedAt_idx" ON "volume_usage_changes"("volumeId", "changedAt");

-- CreateIndex
CREATE INDEX "volume_usage_changes_changedAt_idx" ON "volume_usage_changes"("changedAt");

-- AddForeignKey
ALTER TABLE "volume_usage_changes" ADD CONSTRAINT "volume_usage_changes_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "volumes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand: the schema diff does not see functions and triggers.
-- Every change of what a volume is billed for — owner, provider, node, size,
-- and whether it is billable — is recorded by the statement that makes it,
-- whichever code path that is (create, resize, attach and bind, agent
-- outcomes, node loss, delete). A volume is billable while it exists and is
-- usable; the same rule as BILLABLE_VOLUME_STATUSES in @statemesh/billing.
CREATE FUNCTION "volume_is_billable"(status "VolumeStatus", deleted_at TIMESTAMPTZ) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE AS $$
    SELECT status IN ('creating', 'available', 'attached', 'detaching') AND deleted_at IS NULL
$$;

-- The time is the row's createdAt on insert and its updatedAt on update, which
-- the statements making the change set; a statement that forgets to set it
-- still gets its own start time rather than a stale one.
CREATE FUNCTION "volumes_record_usage_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "volume_usage_changes" ("volumeId", "accountId", "provider", "nodeId", "sizeGib", "billable", "changedAt")
    VALUES (
        NEW."id", NEW."accountId", NEW."provider", NEW."nodeId", NEW."sizeGib",
        "volume_is_billable"(NEW."status", NEW."deletedAt"),
        CASE WHEN TG_OP = 'INSERT' THEN NEW."createdAt"
             WHEN NEW."updatedAt" IS DISTINCT FROM OLD."updatedAt" THEN NEW."updatedAt"
             ELSE statement_timestamp() END
    );
    RETURN NULL;
END;
$$;

CREATE TRIGGER "volumes_usage_history_insert" AFTER INSERT ON "volumes"
    FOR EACH ROW EXECUTE FUNCTION "volumes_record_usage_change"();
CREATE TRIGGER "volumes_usage_history_update" AFTER UPDATE ON "volumes"
    FOR EACH ROW WHEN (
        OLD."accountId" IS DISTINCT FROM NEW."accountId"
        OR OLD."provider" IS DISTINCT FROM NEW."provider"
        OR OLD."nodeId" IS DISTINCT FROM NEW."nodeId"
        OR OLD."sizeGib" IS DISTINCT FROM NEW."sizeGib"
        OR "volume_is_billable"(OLD."status", OLD."deletedAt") IS DISTINCT FROM "volume_is_billable"(NEW."status", NEW."deletedAt")
    ) EXECUTE FUNCTION "volumes_record_usage_change"();

-- Volumes that existed before the history start with their current state at
-- the time of this migration: they were never metered before, and settlement
-- (which starts from the earliest change) does not bill hours retroactively.
INSERT INTO "volume_usage_changes" ("volumeId", "accountId", "provider", "nodeId", "sizeGib", "billable", "changedAt")
SELECT "id", "accountId", "provider", "nodeId", "sizeGib", "volume_is_billable"("status", "deletedAt"), statement_timestamp()
FROM "volumes";
