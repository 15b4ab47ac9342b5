-- DropForeignKey
ALTER TABLE "settlement_line_parts" DROP CONSTRAINT "settlement_line_parts_lineId_fkey";

-- DropIndex
DROP INDEX "node_status_changes_nodeId_changedAt_idx";

-- DropIndex
DROP INDEX "vm_status_changes_vmId_changedAt_idx";

-- CreateIndex
CREATE INDEX "node_status_changes_nodeId_changedAt_id_idx" ON "node_status_changes"("nodeId", "changedAt", "id");

-- CreateIndex
CREATE INDEX "vm_status_changes_vmId_changedAt_id_idx" ON "vm_status_changes"("vmId", "changedAt", "id");

-- Every settlement line part names an existing line: checked once per statement over all the parts it
-- inserted (a settled period writes ~100,000 at once), instead of the foreign key's row-by-row check and
-- lock of each line. Lines are append-only, so the check cannot be undone later.
CREATE FUNCTION "settlement_line_parts_assert_lines"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    orphan TEXT;
BEGIN
    SELECT p."lineId" INTO orphan
    FROM inserted p
    WHERE NOT EXISTS (SELECT 1 FROM "settlement_lines" l WHERE l."id" = p."lineId")
    LIMIT 1;
    IF orphan IS NOT NULL THEN
        RAISE EXCEPTION 'settlement line part of line % which does not exist', orphan
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "settlement_line_parts_have_lines" AFTER INSERT ON "settlement_line_parts"
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "settlement_line_parts_assert_lines"();
